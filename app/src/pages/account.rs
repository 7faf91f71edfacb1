//! The account page: who I am, and changing my password.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{described_by, invalid, ErrorMessage, FieldMessage};
use crate::session::use_session;
use api_types::validate::NewPassword;
use api_types::Problem;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn AccountPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("your-account") />
        <h1>{move_tr!("your-account")}</h1>
        <Protected>
            <Profile />
            <Sessions />
            <ChangePassword />
        </Protected>
    }
}

#[component]
fn Profile() -> impl IntoView {
    let session = use_session();
    move || {
        session.user().map(|u| {
            view! {
                <section class="card">
                    <h2>{move_tr!("profile")}</h2>
                    <dl class="profile">
                        <dt>{move_tr!("username")}</dt><dd>{u.username.clone()}</dd>
                        <dt>{move_tr!("email")}</dt><dd>{u.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>{move_tr!("role")}</dt><dd>{let role = u.role; move || role_label(role)}</dd>
                        <dt>{move_tr!("member-since")}</dt><dd>{let at = u.created_at.clone(); move || crate::i18n::day(&at)}</dd>
                    </dl>
                </section>
            }
        })
    }
}

/// A role for people, in the current language (reactive).
pub(crate) fn role_label(role: api_types::auth::Role) -> String {
    match role {
        api_types::auth::Role::Admin => tr!("role-admin"),
        api_types::auth::Role::Customer => tr!("role-customer"),
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let change = Action::new_local(move |(c, n): &(String, String)| {
        let (c, n) = (c.clone(), n.clone());
        session.call(move |api| {
            let (c, n) = (c.clone(), n.clone());
            async move { api.change_password(&c, &n).await }
        })
    });
    Effect::new(move || match change.value().get() {
        Some(Ok(())) => {
            current.set(String::new());
            new.set(String::new());
            done.set(true);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let busy = change.pending();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (current.get_untracked(), new.get_untracked());
        done.set(false);
        error.set(None);
        if let Err(e) = NewPassword::parse(&n) {
            // The server names the new password `new_password`.
            let e = api_types::validate::Invalid {
                field: "new_password",
                ..e
            };
            error.set(Some(ApiError::Problem(Box::new(Problem::invalid(&e)))));
            return;
        }
        change.dispatch((c, n));
    };
    view! {
        <section class="card narrow-left">
            <h2>{move_tr!("change-password")}</h2>
            <form on:submit=submit novalidate=true>
                <label for="current-password">{move_tr!("current-password")}</label>
                <input id="current-password" type="password" autocomplete="current-password" required bind:value=current />
                <label for="new-password">{move_tr!("new-password")}</label>
                <input id="new-password" type="password" autocomplete="new-password" required bind:value=new
                    aria-invalid=invalid(error, "new_password")
                    aria-describedby=described_by(error, "new_password", "new-password", true) />
                <p class="hint" id="new-password-hint">{move_tr!("new-password-hint")}</p>
                <FieldMessage error field="new_password" id="new-password" />
                <p role="status">{move || done.get().then(|| view! { <span class="ok">{move_tr!("password-changed")}</span> })}</p>
                {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
                <button type="submit" disabled=move || busy.get()>{move_tr!("change-password")}</button>
            </form>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sessions: LocalResource<Result<Vec<api_types::auth::Session>, ApiError>> =
        LocalResource::new(move || session.call(|api| async move { api.sessions().await }));
    // Signs one device out, then reads the list again.
    let end = Action::new_local(move |id: &String| {
        let id = id.clone();
        session.call(move |api| {
            let id = id.clone();
            async move { api.end_session(&id).await }
        })
    });
    Effect::new(move || match end.value().get() {
        Some(Ok(())) => sessions.refetch(),
        Some(Err(e)) => sessions.set(Some(Err(e))),
        None => {}
    });
    let end = move |id: String| {
        end.dispatch(id);
    };
    // Signs every device out, this one too, and goes to the sign-in page.
    let everywhere = Action::new_local(move |_: &()| async move {
        let _ = session
            .call(|api| async move { api.logout_all().await })
            .await;
        session.logout().await;
    });
    Effect::new(move || {
        if everywhere.value().get().is_some() {
            navigate("/login", Default::default());
        }
    });
    let everywhere = move |_| {
        everywhere.dispatch(());
    };
    view! {
        <section class="card">
            <h2>{move_tr!("signed-in-where")}</h2>
            {move || match sessions.get() {
                None => view! { <crate::components::Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="sessions" aria-label=move_tr!("sessions")>
                        {list.into_iter().map(|s| {
                            let id = s.id.clone();
                            let agent = s.user_agent.clone();
                            let device = move || agent.as_deref().map_or_else(|| tr!("device-unknown"), crate::components::device_name);
                            let since = s.last_used_at.clone();
                            let since = move || tr!("last-used", { "when" => crate::i18n::date_time(&since) });
                            view! {
                                <li>
                                    <span class="device" title=s.user_agent.clone().unwrap_or_default()>{device}</span>
                                    " · " {since}
                                    {if s.current {
                                        view! { " · " <strong>{move_tr!("this-device")}</strong> }.into_any()
                                    } else {
                                        view! { " " <button class="link" on:click=move |_| end(id.clone())>{move_tr!("sign-out-device")}</button> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <button on:click=everywhere>{move_tr!("sign-out-everywhere")}</button>
        </section>
    }
}
