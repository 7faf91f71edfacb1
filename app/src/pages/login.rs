//! Sign in.

use crate::api::ApiError;
use crate::pages::credentials::{Credentials, CredentialsForm, Purpose};
use crate::session::use_session;
use api_types::auth::LoginRequest;
use leptos::prelude::*;
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
    let login = Action::new_local(move |request: &LoginRequest| session.login(request.clone()));
    Effect::new(move || match login.value().get() {
        Some(Ok(())) => navigate(
            &next_path(query.get_untracked().get("next")),
            Default::default(),
        ),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |typed: Credentials| {
        error.set(None);
        login.dispatch(LoginRequest {
            username: typed.username,
            password: typed.password,
        });
    };
    let busy = login.pending();

    view! {
        <section class="card narrow">
            <leptos_meta::Title text=move_tr!("sign-in") />
            <h1>{move_tr!("sign-in")}</h1>
            <CredentialsForm purpose=Purpose::SignIn error busy on_submit=submit />
            <p>{move_tr!("new-here")} " " <A href="/register">{move_tr!("create-an-account")}</A></p>
        </section>
    }
}
