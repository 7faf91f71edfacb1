//! Pieces shared by several pages.

pub(crate) mod focus;
pub(crate) mod health;
pub(crate) mod nav;
pub(crate) mod protected;

use crate::api::ApiError;
use leptos::prelude::*;
use leptos_fluent::tr;

/// `cents` of `currency` as people of the current language write them; follows the language.
#[component]
pub(crate) fn Price(cents: i64, #[prop(into)] currency: String) -> impl IntoView {
    move || crate::i18n::money(cents, &currency)
}

/// An RFC 3339 instant as a `<time>` in the browser's time zone and the current language.
#[component]
pub(crate) fn DateTime(#[prop(into)] at: String) -> impl IntoView {
    let shown = at.clone();
    view! { <time datetime=at>{move || crate::i18n::date_time(&shown)}</time> }
}

/// An error message in the current language, announced to screen readers.
#[component]
pub(crate) fn ErrorMessage(error: ApiError) -> impl IntoView {
    view! { <p class="error" role="alert">{move || error.message()}</p> }
}

/// The reason the input `field` (its name in the API) was refused, shown under it with the
/// id `{id}-error` that [`described_by`] ties to it; nothing while `error` names another
/// field or none.
#[component]
pub(crate) fn FieldMessage(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
    id: &'static str,
) -> impl IntoView {
    move || {
        error
            .with(|e| e.as_ref().and_then(|e| e.field_error(field)))
            .map(|code| {
                view! {
                    <p class="field-error" id=format!("{id}-error")>
                        {move || crate::problems::field_text(field, &code)}
                    </p>
                }
            })
    }
}

/// Whether `error` names the API's `field` in its `errors` (reactive).
fn refused(error: RwSignal<Option<ApiError>>, field: &str) -> bool {
    error.with(|e| e.as_ref().is_some_and(|e| e.field_error(field).is_some()))
}

/// The `aria-describedby` of the input `id` for the API's `field` (reactive): its hint
/// (`{id}-hint`) when it has one, and the reason [`FieldMessage`] shows while `error` names
/// that field (WCAG 3.3.1).
pub(crate) fn described_by(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
    id: &'static str,
    hint: bool,
) -> impl Fn() -> Option<String> {
    move || {
        let ids: Vec<String> = [
            hint.then(|| format!("{id}-hint")),
            refused(error, field).then(|| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// `aria-invalid` of the input for the API's `field` (reactive): `true` while `error`
/// names it.
pub(crate) fn invalid(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> {
    move || refused(error, field).then_some("true")
}

/// A browser and system for people, from a `User-Agent`: "Firefox on Linux", "Chrome on
/// Android", "Safari on iOS" (in the current language, reactive); a client that is no browser
/// by its first word ("curl").
pub(crate) fn device_name(user_agent: &str) -> String {
    let ua = user_agent;
    let has = |s: &str| ua.contains(s);
    let browser = if has("Firefox/") {
        "Firefox"
    } else if has("Edg/") {
        "Edge"
    } else if has("OPR/") {
        "Opera"
    } else if has("Chrome/") || has("Chromium/") || has("CriOS/") {
        "Chrome"
    } else if has("Safari/") && has("Version/") {
        "Safari"
    } else {
        let first = ua.split(['/', ' ']).next().unwrap_or("").trim();
        return if first.is_empty() {
            tr!("device-unknown")
        } else {
            first.to_owned()
        };
    };
    let system = if has("Android") {
        "Android"
    } else if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") || has("X11") {
        "Linux"
    } else {
        return browser.to_owned();
    };
    tr!("device-on", { "browser" => browser, "system" => system })
}

/// The loading indicator.
#[component]
pub(crate) fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">{move_tr!("loading")}</p> }
}

/// Adds `quantity` of a product to the cart (on top of what is already there).
pub(crate) async fn add_to_cart(
    session: crate::session::Session,
    product_id: i64,
    quantity: i64,
) -> Result<api_types::orders::Cart, ApiError> {
    session
        .call(move |api| async move {
            let cart = api.cart().await?;
            let current = cart
                .items
                .iter()
                .find(|i| i.product_id == product_id)
                .map_or(0, |i| i.quantity);
            api.set_quantity(product_id, current + quantity).await
        })
        .await
}

/// The "Add to cart" button with its outcome. Signed-out users are sent to sign in first; until
/// the session has resumed after a page load it is not known who that is, so the button waits.
#[component]
pub(crate) fn AddToCart(
    product_id: i64,
    #[prop(into)] quantity: Signal<i64>,
    in_stock: bool,
) -> impl IntoView {
    let session = crate::session::use_session();
    let health = health::use_health();
    let navigate = leptos_router::hooks::use_navigate();
    let count = crate::cart_count::use_cart_count();
    let status = RwSignal::new(None::<Result<(), ApiError>>);
    let sign_in = format!("/login?next=/products/{product_id}");
    let add = Action::new_local(move |&q: &i64| add_to_cart(session, product_id, q));
    let busy = add.pending();
    Effect::new({
        let (navigate, sign_in) = (navigate.clone(), sign_in.clone());
        move || match add.value().get() {
            // The session ended and could not be refreshed: sign in again.
            Some(Err(e)) if e.is_unauthorized() => navigate(&sign_in, Default::default()),
            Some(result) => {
                if let Ok(cart) = &result {
                    count.show(cart);
                }
                status.set(Some(result.map(drop)));
            }
            None => {}
        }
    });
    let click = move |_| {
        // Not disabled while busy (a disabled button drops the keyboard focus): ignored instead.
        if busy.get_untracked() {
            return;
        }
        if session.user().is_none() {
            navigate(&sign_in, Default::default());
            return;
        }
        add.dispatch(quantity.get_untracked());
    };
    view! {
        <div class="add-to-cart">
            <button on:click=click aria-busy=move || busy.get().to_string() disabled=move || !in_stock || !health.orders_up() || !session.ready()>
                {move || if in_stock { tr!("add-to-cart") } else { tr!("sold-out") }}
            </button>
            <span role="status">
                {move || match status.get() {
                    Some(Ok(())) => view! { <span class="ok">{move_tr!("added-to-cart")}</span> }.into_any(),
                    Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
                    None => ().into_any(),
                }}
            </span>
        </div>
    }
}
