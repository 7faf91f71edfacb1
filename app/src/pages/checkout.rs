//! Checkout: review the cart, pay, and see plainly whether the payment went through.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{price, ErrorMessage, Loading};
use crate::session::use_session;
use api_types::orders::{Cart, Order};
use leptos::prelude::*;
use leptos::task::spawn_local;
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
        <leptos_meta::Title text="Checkout" />
        <h1>"Checkout"</h1>
        <Protected>
            <CheckoutView />
        </Protected>
    }
}

#[component]
fn CheckoutView() -> impl IntoView {
    let session = use_session();
    let health = crate::components::health::use_health();
    let cart = RwSignal::new(None::<Result<Cart, ApiError>>);
    let outcome = RwSignal::new(None::<Outcome>);
    let count = crate::cart_count::use_cart_count();
    let paying = RwSignal::new(false);
    spawn_local(async move {
        cart.set(Some(
            session.call(|api| async move { api.cart().await }).await,
        ))
    });

    // The current attempt's key; a new one only after an attempt failed (declined, payments
    // unavailable, an error), when "Try again" is a new attempt.
    let attempt = StoredValue::new(new_key());
    let pay = move |_| {
        // A second click in the same tick, before the button is disabled, sends nothing.
        if paying.get_untracked() {
            return;
        }
        let key = attempt.get_value();
        paying.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = session
                .call(|api| {
                    let key = key.clone();
                    async move { api.checkout(&key).await }
                })
                .await;
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
            paying.set(false);
            // The outcome's heading takes the focus the "Pay now" button had.
            request_animation_frame(|| {
                crate::components::focus::focus_first("main .card h2");
            });
        });
    };

    move || {
        match (outcome.get(), cart.get()) {
        (Some(Outcome::Paid(order)), _) => view! {
            <section class="card success" role="status">
                <h2>"Payment successful"</h2>
                <p>"Order #" {order.id} " is paid: " {price(order.total_cents, &order.currency)} "."</p>
                <p><A href=format!("/orders/{}", order.id)>"Follow your order"</A> " · " <A href="/orders">"See your orders"</A></p>
            </section>
        }.into_any(),
        (failed, Some(Ok(c))) if !c.items.is_empty() => {
            let declined = matches!(&failed, Some(Outcome::Failed(e)) if e.code() == Some("payment_declined"));
            let unavailable = matches!(&failed, Some(Outcome::Failed(e)) if e.code() == Some("payment_unavailable"));
            view! {
                {failed.map(|f| match f {
                    Outcome::Failed(_) if declined => view! {
                        <section class="card failure" role="alert">
                            <h2>"Payment declined"</h2>
                            <p>"Your payment was declined and nothing was charged. Your cart is unchanged; you can try again."</p>
                        </section>
                    }.into_any(),
                    Outcome::Failed(_) if unavailable => view! {
                        <section class="card failure" role="alert">
                            <h2>"Payment unavailable"</h2>
                            <p>"Payments are not working right now. Nothing was charged and your cart is unchanged; please try again in a minute."</p>
                        </section>
                    }.into_any(),
                    Outcome::Failed(e) => view! { <ErrorMessage error=e /> }.into_any(),
                    Outcome::Paid(_) => ().into_any(),
                })}
                <ul class="summary">
                    {c.items.iter().map(|i| view! {
                        <li>{i.quantity} " × " {i.name.clone()} " — " {price(i.line_total_cents, &c.currency)}</li>
                    }).collect_view()}
                </ul>
                <p class="total">"Total: " <strong>{price(c.total_cents, &c.currency)}</strong></p>
                <button on:click=pay disabled=move || paying.get() || !health.orders_up()>
                    {move || if paying.get() { "Paying…".to_owned() } else if declined || unavailable { "Try again".to_owned() } else { "Pay now".to_owned() }}
                </button>
            }.into_any()
        }
        (_, Some(Ok(_))) => view! { <p>"Your cart is empty. " <A href="/">"Browse the catalog"</A></p> }.into_any(),
        (_, Some(Err(e))) => view! { <ErrorMessage error=e /> }.into_any(),
        (_, None) => view! { <Loading /> }.into_any(),
    }
    }
}
