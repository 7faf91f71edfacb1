//! Create an account, then sign in.

use crate::api::{ApiError, PublicApi};
use crate::pages::credentials::{Credentials, CredentialsForm, Purpose};
use crate::session::use_session;
use api_types::auth::{LoginRequest, RegisterRequest};
use api_types::validate::{Email, NewPassword, Username};
use api_types::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_fluent::{move_tr, tr};
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The same rules as the server, checked before sending so a mistake is explained at once,
/// as the same 422 problem the server would answer (with its `errors` member).
fn check(typed: &Credentials) -> Result<(), ApiError> {
    let invalid =
        |e: api_types::validate::Invalid| ApiError::Problem(Box::new(Problem::invalid(&e)));
    Username::parse(&typed.username).map_err(invalid)?;
    if !typed.email.trim().is_empty() {
        Email::parse(&typed.email).map_err(invalid)?;
    }
    NewPassword::parse(&typed.password).map_err(invalid)?;
    Ok(())
}

#[component]
pub(crate) fn RegisterPage() -> impl IntoView {
    let session = use_session();
    let navigate = StoredValue::new_local(use_navigate());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |typed: Credentials| {
        if let Err(err) = check(&typed) {
            error.set(Some(err));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let Credentials {
                username,
                email,
                password,
            } = typed;
            let email = (!email.trim().is_empty()).then_some(email);
            let registered = PublicApi
                .register(&RegisterRequest {
                    username: username.clone(),
                    password: password.clone(),
                    email,
                })
                .await;
            let result = match registered {
                Ok(_) => session.login(LoginRequest { username, password }).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => navigate.with_value(|go| go("/", Default::default())),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow">
            <leptos_meta::Title text=move || tr!("create-an-account") />
            <h1>{move_tr!("create-an-account")}</h1>
            <CredentialsForm purpose=Purpose::Register error busy on_submit=submit />
            <p>{move_tr!("have-account")} " " <A href="/login">{move_tr!("sign-in")}</A></p>
        </section>
    }
}
