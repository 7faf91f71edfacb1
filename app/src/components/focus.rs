//! Keyboard and screen-reader orientation (WCAG 2.4.1 bypass blocks, 2.4.3 focus order): a skip
//! link to the page's content, and focus moved to the new page's main heading after each
//! client-side navigation, as a full page load would start at the top of the new page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wasm_bindgen::JsCast as _;

/// Focuses the first element matching `selector` (made focusable with `tabindex="-1"`);
/// `false` when there is none.
pub(crate) fn focus_first(selector: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(el) = document
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    if !el.has_attribute("tabindex") {
        let _ = el.set_attribute("tabindex", "-1");
    }
    el.focus().is_ok()
}

/// Focuses the first `<h1>` in `<main>`, else `<main>`.
fn focus_main_heading() {
    if !focus_first("main h1") {
        focus_first("#main");
    }
}

/// "Skip to content": the first thing a Tab reaches, shown while focused; it focuses `<main>`.
#[component]
pub(crate) fn SkipLink() -> impl IntoView {
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        focus_first("#main");
    };
    view! { <a class="skip-link" href="#main" on:click=skip>{move_tr!("skip-to-content")}</a> }
}

/// Moves focus to the main heading whenever the path changes (not on the first load, where the
/// browser starts at the top anyway). Renders nothing.
#[component]
pub(crate) fn FocusOnNavigation() -> impl IntoView {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            // After the new page has rendered.
            request_animation_frame(focus_main_heading);
        }
        path
    });
}
