//! Create an account, then sign in.

use crate::api::{ApiError, PublicApi};
use crate::components::ErrorMessage;
use crate::session::use_session;
use api_types::auth::{LoginRequest, RegisterRequest};
use api_types::validate::{Email, NewPassword, Username};
use api_types::Problem;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The same rules as the server, checked before sending so a mistake is explained at once.
fn check(username: &str, email: &str, password: &str) -> Result<(), ApiError> {
    let invalid = |e: api_types::validate::Invalid| {
        ApiError::Problem(Problem::new(
            422,
            "validation_failed",
            "Invalid input",
            Some(e.to_string()),
        ))
    };
    Username::parse(username).map_err(invalid)?;
    if !email.trim().is_empty() {
        Email::parse(email).map_err(invalid)?;
    }
    NewPassword::parse(password).map_err(invalid)?;
    Ok(())
}

#[component]
pub(crate) fn RegisterPage() -> impl IntoView {
    let session = use_session();
    let health = crate::components::health::use_health();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let (u, e, p) = (
            username.get_untracked(),
            email.get_untracked(),
            password.get_untracked(),
        );
        if let Err(err) = check(&u, &e, &p) {
            error.set(Some(err));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let email = (!e.trim().is_empty()).then_some(e);
            let registered = PublicApi
                .register(&RegisterRequest {
                    username: u.clone(),
                    password: p.clone(),
                    email,
                })
                .await;
            let result = match registered {
                Ok(_) => {
                    session
                        .login(LoginRequest {
                            username: u,
                            password: p,
                        })
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => navigate("/", Default::default()),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow">
            <leptos_meta::Title text="Create an account" />
        <h1>"Create an account"</h1>
            <form on:submit=submit>
                <label for="username">"Username"</label>
                <input id="username" name="username" autocomplete="username" required bind:value=username />
                <p class="hint">"3 to 32 letters, digits, '_', '.' or '-'."</p>
                <label for="email">"E-mail (optional)"</label>
                <input id="email" name="email" type="email" autocomplete="email" bind:value=email />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required bind:value=password />
                <p class="hint">"At least 8 characters."</p>
                {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
                <button type="submit" disabled=move || busy.get() || !health.auth_up()>
                    {move || if busy.get() { "Creating account…" } else { "Create account" }}
                </button>
            </form>
            <p>"Already have an account? " <A href="/login">"Sign in"</A></p>
        </section>
    }
}
