//! Sign in.

use crate::api::ApiError;
use crate::pages::credentials::{Credentials, CredentialsForm, Purpose};
use crate::session::use_session;
use api_types::auth::LoginRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_fluent::{move_tr, tr};
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
    let navigate = use_navigate();
    let query = use_query_map();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let navigate = StoredValue::new_local(navigate);

    let submit = move |typed: Credentials| {
        let request = LoginRequest {
            username: typed.username,
            password: typed.password,
        };
        let next = next_path(query.get_untracked().get("next"));
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match session.login(request).await {
                Ok(()) => navigate.with_value(|go| go(&next, Default::default())),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow">
            <leptos_meta::Title text=move || tr!("sign-in") />
            <h1>{move_tr!("sign-in")}</h1>
            <CredentialsForm purpose=Purpose::SignIn error busy on_submit=submit />
            <p>{move_tr!("new-here")} " " <A href="/register">{move_tr!("create-an-account")}</A></p>
        </section>
    }
}
