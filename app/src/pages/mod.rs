//! One module per page.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod cart;
pub(crate) mod catalog;
pub(crate) mod checkout;
pub(crate) mod credentials;
pub(crate) mod login;
pub(crate) mod orders;
pub(crate) mod product;
pub(crate) mod register;
pub(crate) mod users;

use leptos::prelude::*;
use leptos_router::components::A;

/// Any path the app does not know.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("not-found-title") />
        <h1>{move_tr!("not-found-title")}</h1>
        <p>{move_tr!("not-found-text")} " " <A href="/">{move_tr!("back-to-catalog")}</A></p>
    }
}
