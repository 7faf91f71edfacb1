//! The one form of signing in and of creating an account: username, e-mail (new accounts
//! only) and password, each refused field explained under it and tied to it with
//! `aria-describedby`, the whole form's error above the button.

use crate::api::ApiError;
use crate::components::{described_by, invalid, ErrorMessage, FieldMessage};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_fluent::tr;

/// What the form is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    SignIn,
    Register,
}

/// What was typed; `email` is empty when none was (or for signing in).
#[derive(Clone, Debug)]
pub(crate) struct Credentials {
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) password: String,
}

/// The form. `on_submit` gets what was typed; the page sets `error` (a 422 problem's
/// `errors` mark the fields); `busy` is whether its call runs (its action's `pending`).
#[component]
pub(crate) fn CredentialsForm(
    purpose: Purpose,
    error: RwSignal<Option<ApiError>>,
    #[prop(into)] busy: Signal<bool>,
    on_submit: impl Fn(Credentials) + Copy + 'static,
) -> impl IntoView {
    let health = crate::components::health::use_health();
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let register = purpose == Purpose::Register;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        on_submit(Credentials {
            username: username.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
        });
    };
    let label = move || match (purpose, busy.get()) {
        (Purpose::SignIn, false) => tr!("sign-in"),
        (Purpose::SignIn, true) => tr!("signing-in"),
        (Purpose::Register, false) => tr!("create-account"),
        (Purpose::Register, true) => tr!("creating-account"),
    };
    view! {
        <form on:submit=submit novalidate=register>
            <label for="username">{move_tr!("username")}</label>
            <input id="username" name="username" autocomplete="username" required bind:value=username
                aria-invalid=invalid(error, "username")
                aria-describedby=described_by(error, "username", "username", register) />
            {register.then(|| view! { <p class="hint" id="username-hint">{move_tr!("username-hint")}</p> })}
            <FieldMessage error field="username" id="username" />
            {register.then(|| view! {
                <label for="email">{move_tr!("email-optional")}</label>
                <input id="email" name="email" type="email" autocomplete="email" bind:value=email
                    aria-invalid=invalid(error, "email")
                    aria-describedby=described_by(error, "email", "email", false) />
                <FieldMessage error field="email" id="email" />
            })}
            <label for="password">{move_tr!("password")}</label>
            <input id="password" name="password" type="password" required bind:value=password
                autocomplete=if register { "new-password" } else { "current-password" }
                aria-invalid=invalid(error, "password")
                aria-describedby=described_by(error, "password", "password", register) />
            {register.then(|| view! { <p class="hint" id="password-hint">{move_tr!("password-hint")}</p> })}
            <FieldMessage error field="password" id="password" />
            {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
            <button type="submit" disabled=move || busy.get() || !health.auth_up()>{label}</button>
        </form>
    }
}
