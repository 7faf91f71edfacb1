//! Pages that need a signed-in user.

use crate::components::Loading;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Shows `children` to a signed-in user; sends anyone else to the login page, which brings
/// them back here afterwards.
#[component]
pub(crate) fn Protected(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    move || {
        if !session.ready() {
            view! { <Loading /> }.into_any()
        } else if session.user().is_some() {
            children().into_any()
        } else {
            let next = location.pathname.get_untracked();
            view! { <Redirect path=format!("/login?next={next}") /> }.into_any()
        }
    }
}
