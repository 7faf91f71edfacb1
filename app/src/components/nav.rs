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
            <nav aria-label="Main">
                <A href="/" attr:class="brand">"Bean & Leaf"</A>
                <A href="/">"Catalog"</A>
                <A href="/cart">"Cart" {move || {
                    count.get().filter(|n| *n > 0).map(|n| view! {
                        " " <span class="cart-count">{format!("({n})")}</span>
                    })
                }}</A>
                <A href="/orders">"Orders"</A>
                <span class="spacer"></span>
                {move || match session.user() {
                    Some(user) => view! {
                        {(user.role == api_types::auth::Role::Admin).then(|| view! {
                            <A href="/admin/orders">"Orders board"</A>
                            <A href="/admin/products">"Products"</A>
                            <A href="/admin/users">"Users"</A>
                        })}
                        <span class="who">"Signed in as " <strong>{user.username}</strong></span>
                        <A href="/account">"Account"</A>
                        <button class="link" on:click=sign_out.clone()>"Sign out"</button>
                    }.into_any(),
                    None => view! {
                        <A href="/login">"Sign in"</A>
                        <A href="/register">"Register"</A>
                    }.into_any(),
                }}
            </nav>
        </header>
    }
}
