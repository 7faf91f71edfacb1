//! The top bar: brand, links, and who is signed in.

use crate::session::use_session;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub(crate) fn Nav() -> impl IntoView {
    let session = use_session();
    let count = crate::cart_count::use_cart_count();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            session.logout().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        <header class="topbar">
            <nav aria-label=move_tr!("nav-main")>
                <A href="/" attr:class="brand">"Bean & Leaf"</A>
                <A href="/">{move_tr!("nav-catalog")}</A>
                <A href="/cart">{move_tr!("nav-cart")} {move || {
                    count.get().filter(|n| *n > 0).map(|n| view! {
                        " " <span class="cart-count">{format!("({n})")}</span>
                    })
                }}</A>
                <A href="/orders">{move_tr!("nav-orders")}</A>
                <span class="spacer"></span>
                {move || match session.user() {
                    Some(user) => view! {
                        {(user.role == api_types::auth::Role::Admin).then(|| view! {
                            <A href="/admin/orders">{move_tr!("nav-board")}</A>
                            <A href="/admin/products">{move_tr!("nav-products")}</A>
                            <A href="/admin/users">{move_tr!("nav-users")}</A>
                        })}
                        <span class="who">{move_tr!("nav-signed-in-as")} " " <strong>{user.username}</strong></span>
                        <A href="/account">{move_tr!("nav-account")}</A>
                        <button class="link" on:click=sign_out.clone()>{move_tr!("nav-sign-out")}</button>
                    }.into_any(),
                    None => view! {
                        <A href="/login">{move_tr!("nav-sign-in")}</A>
                        <A href="/register">{move_tr!("nav-register")}</A>
                    }.into_any(),
                }}
                <crate::i18n::LanguageSwitch />
            </nav>
        </header>
    }
}
