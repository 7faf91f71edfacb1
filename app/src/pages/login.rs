//! Sign in.

use crate::api::ApiError;
use crate::components::ErrorMessage;
use crate::session::use_session;
use api_types::auth::LoginRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Where to go after signing in: the `next` query parameter when it is a path of this site.
pub(crate) fn next_path(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned())
}

#[component]
pub(crate) fn LoginPage() -> impl IntoView {
    let session = use_session();
    let health = crate::components::health::use_health();
    let navigate = use_navigate();
    let query = use_query_map();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let request = LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        let next = next_path(query.get_untracked().get("next"));
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match session.login(request).await {
                Ok(()) => navigate(&next, Default::default()),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow">
            <leptos_meta::Title text="Sign in" />
        <h1>"Sign in"</h1>
            <form on:submit=submit>
                <label for="username">"Username"</label>
                <input id="username" name="username" autocomplete="username" required bind:value=username />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required bind:value=password />
                {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
                <button type="submit" disabled=move || busy.get() || !health.auth_up()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            <p>"New here? " <A href="/register">"Create an account"</A></p>
        </section>
    }
}
