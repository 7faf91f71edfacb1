//! Create an account, then sign in.

use crate::api::{ApiError, PublicApi};
use crate::pages::credentials::{Credentials, CredentialsForm, Purpose};
use crate::session::use_session;
use api_types::auth::{LoginRequest, RegisterRequest};
use api_types::validate::{Email, NewPassword, Username};
use api_types::Problem;
use leptos::prelude::*;
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
    let navigate = use_navigate();
    let error = RwSignal::new(None::<ApiError>);
    // Registers, then signs in with the same credentials.
    let register = Action::new_local(move |typed: &Credentials| {
        let Credentials {
            username,
            email,
            password,
        } = typed.clone();
        async move {
            let email = (!email.trim().is_empty()).then_some(email);
            PublicApi
                .register(&RegisterRequest {
                    username: username.clone(),
                    password: password.clone(),
                    email,
                })
                .await?;
            session.login(LoginRequest { username, password }).await
        }
    });
    Effect::new(move || match register.value().get() {
        Some(Ok(())) => navigate("/", Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |typed: Credentials| {
        if let Err(err) = check(&typed) {
            error.set(Some(err));
            return;
        }
        error.set(None);
        register.dispatch(typed);
    };
    let busy = register.pending();

    view! {
        <section class="card narrow">
            <leptos_meta::Title text=move_tr!("create-an-account") />
            <h1>{move_tr!("create-an-account")}</h1>
            <CredentialsForm purpose=Purpose::Register error busy on_submit=submit />
            <p>{move_tr!("have-account")} " " <A href="/login">{move_tr!("sign-in")}</A></p>
        </section>
    }
}
