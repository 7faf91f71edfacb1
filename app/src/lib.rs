//! The shop's browser app (Leptos, client-side rendering).
//!
//! Pages are in [`pages`], shared pieces in [`components`], the typed API client in [`api`] and
//! the signed-in state in [`session`].

// `#[component]` on a `pub(crate)` function expands to items this lint misjudges.
#![allow(unreachable_pub)]

// First: its `move_tr!` is in scope in every module below.
#[macro_use]
mod i18n;
pub mod api;
mod cart_count;
mod components;
mod live;
mod pages;
mod problems;
pub mod session;
mod tabs;

use components::nav::Nav;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use session::Session;

/// The whole app: session, navigation and routes.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::new();
    provide_context(session);
    provide_context(components::health::ServiceHealth::start());
    spawn_local(session.resume());
    cart_count::CartCount::start(session);
    leptos_meta::provide_meta_context();
    view! {
        <i18n::I18nProvider>
            <leptos_meta::Title formatter=|page: String| if page.is_empty() { "Bean & Leaf".to_owned() } else { format!("{page} · Bean & Leaf") } />
            <Router>
                <components::focus::SkipLink />
                <Nav />
                <components::health::DegradedBanner />
                <components::focus::FocusOnNavigation />
                <main class="page" id="main" tabindex="-1">
                    <Routes fallback=|| view! { <pages::NotFound /> }>
                        <Route path=path!("/") view=pages::catalog::CatalogPage />
                        <Route path=path!("/products/:id") view=pages::product::ProductPage />
                        <Route path=path!("/login") view=pages::login::LoginPage />
                        <Route path=path!("/register") view=pages::register::RegisterPage />
                        <Route path=path!("/cart") view=pages::cart::CartPage />
                        <Route path=path!("/checkout") view=pages::checkout::CheckoutPage />
                        <Route path=path!("/orders") view=pages::orders::OrdersPage />
                        <Route path=path!("/orders/:id") view=pages::orders::OrderPage />
                        <Route path=path!("/account") view=pages::account::AccountPage />
                        <Route path=path!("/admin/orders") view=pages::admin::AdminOrdersPage />
                        <Route path=path!("/admin/products") view=pages::admin::AdminProductsPage />
                        <Route path=path!("/admin/users") view=pages::users::AdminUsersPage />
                    </Routes>
                </main>
            </Router>
        </i18n::I18nProvider>
    }
}
