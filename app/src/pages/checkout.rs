//! Checkout: review the cart, pay, and see plainly whether the payment went through.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{ErrorMessage, Loading, Price};
use crate::session::use_session;
use api_types::orders::{Cart, Order};
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::components::A;

/// A fresh idempotency key: 128 random bits from `crypto.getRandomValues`, in hex (available
/// on plain HTTP too). One belongs to a checkout attempt of the cart on screen, not to a click:
/// every press of "Pay now" (and the automatic retry) sends the same key until the attempt has
/// failed, so any number of submissions of one cart make one order.
fn new_key() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Clone)]
enum Outcome {
    Paid(Order),
    Failed(ApiError),
}

#[component]
pub(crate) fn CheckoutPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("checkout") />
        <h1>{move_tr!("checkout")}</h1>
        <Protected>
            <CheckoutView />
        </Protected>
    }
}

#[component]
fn CheckoutView() -> impl IntoView {
    let session = use_session();
    let health = crate::components::health::use_health();
    let cart: LocalResource<Result<Cart, ApiError>> =
        LocalResource::new(move || session.call(|api| async move { api.cart().await }));
    let outcome = RwSignal::new(None::<Outcome>);
    let count = crate::cart_count::use_cart_count();

    // The current attempt's key; a new one only after an attempt failed (declined, payments
    // unavailable, an error), when "Try again" is a new attempt.
    let attempt = StoredValue::new(new_key());
    let checkout = Action::new_local(move |key: &String| {
        let key = key.clone();
        session.call(move |api| {
            let key = key.clone();
            async move { api.checkout(&key).await }
        })
    });
    let paying = checkout.pending();
    let pay = move |_| {
        // A second click in the same tick, before the button is disabled, sends nothing: the
        // action counts as pending from the moment it is dispatched.
        if paying.get_untracked() {
            return;
        }
        outcome.set(None);
        checkout.dispatch(attempt.get_value());
    };
    Effect::new(move || {
        let Some(result) = checkout.value().get() else {
            return;
        };
        outcome.set(Some(match result {
            Ok(order) => {
                count.emptied();
                Outcome::Paid(order)
            }
            Err(e) => {
                attempt.set_value(new_key());
                Outcome::Failed(e)
            }
        }));
        // The outcome's heading takes the focus the "Pay now" button had.
        request_animation_frame(|| {
            crate::components::focus::focus_first("main .card h2");
        });
    });

    move || {
        match (outcome.get(), cart.get()) {
        (Some(Outcome::Paid(order)), _) => view! {
            <section class="card success" role="status">
                <h2>{move_tr!("payment-successful")}</h2>
                <p>{let (id, cents, currency) = (order.id, order.total_cents, order.currency.clone());
                    move || tr!("order-paid", { "id" => id, "amount" => crate::i18n::money(cents, &currency) })}</p>
                <p><A href=format!("/orders/{}", order.id)>{move_tr!("follow-order")}</A> " · " <A href="/orders">{move_tr!("see-orders")}</A></p>
            </section>
        }.into_any(),
        (failed, Some(Ok(c))) if !c.items.is_empty() => {
            let declined = matches!(&failed, Some(Outcome::Failed(e)) if e.code() == Some("payment_declined"));
            let unavailable = matches!(&failed, Some(Outcome::Failed(e)) if e.code() == Some("payment_unavailable"));
            view! {
                {failed.map(|f| match f {
                    Outcome::Failed(_) if declined => view! {
                        <section class="card failure" role="alert">
                            <h2>{move_tr!("payment-declined")}</h2>
                            <p>{move_tr!("payment-declined-text")}</p>
                        </section>
                    }.into_any(),
                    Outcome::Failed(_) if unavailable => view! {
                        <section class="card failure" role="alert">
                            <h2>{move_tr!("payment-unavailable")}</h2>
                            <p>{move_tr!("payment-unavailable-text")}</p>
                        </section>
                    }.into_any(),
                    Outcome::Failed(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    Outcome::Paid(_) => ().into_any(),
                })}
                <ul class="summary">
                    {c.items.iter().map(|i| view! {
                        <li>{i.quantity} " × " {i.name.clone()} " — " <Price cents=i.line_total_cents currency=c.currency.clone() /></li>
                    }).collect_view()}
                </ul>
                <p class="total">{move_tr!("total-label")} " " <strong><Price cents=c.total_cents currency=c.currency.clone() /></strong></p>
                <button on:click=pay disabled=move || paying.get() || !health.orders_up()>
                    {move || if paying.get() { tr!("paying") } else if declined || unavailable { tr!("try-again") } else { tr!("pay-now") }}
                </button>
            }.into_any()
        }
        (_, Some(Ok(_))) => view! { <p>{move_tr!("cart-empty")} " " <A href="/">{move_tr!("browse-catalog")}</A></p> }.into_any(),
        (_, Some(Err(e))) => view! { <ErrorMessage error=e /> }.into_any(),
        (_, None) => view! { <Loading /> }.into_any(),
    }
    }
}
