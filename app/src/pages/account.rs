//! The account page: who I am, and changing my password.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::ErrorMessage;
use crate::session::use_session;
use api_types::validate::NewPassword;
use api_types::Problem;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn AccountPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Your account" />
        <h1>"Your account"</h1>
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
                    <h2>"Profile"</h2>
                    <dl class="profile">
                        <dt>"Username"</dt><dd>{u.username.clone()}</dd>
                        <dt>"E-mail"</dt><dd>{u.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        <dt>"Role"</dt><dd>{u.role.as_str()}</dd>
                        <dt>"Member since"</dt><dd>{u.created_at.get(..10).unwrap_or("").to_owned()}</dd>
                    </dl>
                </section>
            }
        })
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (current.get_untracked(), new.get_untracked());
        if let Err(e) = NewPassword::parse(&n) {
            let problem = Problem::new(
                422,
                "validation_failed",
                "Invalid input",
                Some(e.to_string()),
            );
            outcome.set(Some(Err(ApiError::Problem(problem))));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = session
                .call(move |api| {
                    let (c, n) = (c.clone(), n.clone());
                    async move { api.change_password(&c, &n).await }
                })
                .await;
            if result.is_ok() {
                current.set(String::new());
                new.set(String::new());
            }
            outcome.set(Some(result));
            busy.set(false);
        });
    };
    view! {
        <section class="card narrow-left">
            <h2>"Change password"</h2>
            <form on:submit=submit>
                <label for="current-password">"Current password"</label>
                <input id="current-password" type="password" autocomplete="current-password" required bind:value=current />
                <label for="new-password">"New password"</label>
                <input id="new-password" type="password" autocomplete="new-password" required bind:value=new />
                <p class="hint">"At least 8 characters, not one of the most common passwords."</p>
                {move || match outcome.get() {
                    Some(Ok(())) => view! { <p class="ok" role="status">"Password changed. Your other devices have been signed out."</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                    None => ().into_any(),
                }}
                <button type="submit" disabled=move || busy.get()>"Change password"</button>
            </form>
        </section>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sessions = RwSignal::new(None::<Result<Vec<api_types::auth::Session>, ApiError>>);
    let load = move || {
        spawn_local(async move {
            sessions.set(Some(
                session
                    .call(|api| async move { api.sessions().await })
                    .await,
            ))
        });
    };
    load();
    let end = move |id: String| {
        spawn_local(async move {
            let result = session
                .call(move |api| {
                    let id = id.clone();
                    async move { api.end_session(&id).await }
                })
                .await;
            if let Err(e) = result {
                sessions.set(Some(Err(e)));
            } else {
                load();
            }
        });
    };
    let everywhere = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let _ = session
                .call(|api| async move { api.logout_all().await })
                .await;
            session.logout().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        <section class="card">
            <h2>"Where you are signed in"</h2>
            {move || match sessions.get() {
                None => view! { <crate::components::Loading /> }.into_any(),
                Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="sessions" aria-label="Sessions">
                        {list.into_iter().map(|s| {
                            let id = s.id.clone();
                            let device = s.user_agent.as_deref().map_or_else(|| "Unknown device".to_owned(), crate::components::device_name);
                            let since = s.last_used_at.get(..16).unwrap_or("").replace('T', " ");
                            view! {
                                <li>
                                    <span class="device" title=s.user_agent.clone().unwrap_or_default()>{device}</span>
                                    " · last used " {since}
                                    {if s.current {
                                        view! { " · " <strong>"This device"</strong> }.into_any()
                                    } else {
                                        view! { " " <button class="link" on:click=move |_| end(id.clone())>"Sign out this device"</button> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <button on:click=everywhere>"Sign out everywhere"</button>
        </section>
    }
}
