//! The cart: change quantities, remove lines, go to checkout.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{price, ErrorMessage, Loading};
use crate::session::use_session;
use api_types::orders::{Cart, CartItem};
use api_types::validate::Quantity;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub(crate) fn CartPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Your cart" />
        <h1>"Your cart"</h1>
        <Protected>
            <CartView />
        </Protected>
    }
}

#[component]
fn CartView() -> impl IntoView {
    let session = use_session();
    let count = crate::cart_count::use_cart_count();
    let cart = RwSignal::new(None::<Result<Cart, ApiError>>);
    // Every cart the API answers also sets the header's count.
    Effect::new(move || {
        if let Some(Ok(c)) = cart.get() {
            count.show(&c);
        }
    });
    spawn_local(async move {
        cart.set(Some(
            session.call(|api| async move { api.cart().await }).await,
        ))
    });

    let failure = RwSignal::new(None::<ApiError>);
    let update = move |product_id: i64, quantity: Option<i64>| {
        failure.set(None);
        spawn_local(async move {
            let result = session
                .call(move |api| async move {
                    match quantity {
                        Some(q) => api.set_quantity(product_id, q).await,
                        None => api.remove_item(product_id).await,
                    }
                })
                .await;
            match result {
                Ok(c) => cart.set(Some(Ok(c))),
                Err(e) => {
                    // Show the error above the current cart, which is unchanged.
                    let current = session.call(|api| async move { api.cart().await }).await;
                    cart.set(Some(current));
                    leptos::logging::warn!("cart update failed: {}", e.message());
                    failure.set(Some(e));
                }
            }
        });
    };

    move || {
        match cart.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(c)) if c.items.is_empty() => view! {
            <p>"Your cart is empty. " <A href="/">"Browse the catalog"</A></p>
        }.into_any(),
        Some(Ok(c)) => view! {
            {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
            <table class="cart stack">
                <thead><tr><th>"Product"</th><th>"Unit price"</th><th>"Quantity"</th><th>"Total"</th><th></th></tr></thead>
                <tbody>
                    {c.items.iter().cloned().map(|item| view! { <CartLine item currency=c.currency.clone() on_change=update /> }).collect_view()}
                </tbody>
            </table>
            <p class="total">"Total: " <strong data-testid="cart-total">{price(c.total_cents, &c.currency)}</strong></p>
            <A href="/checkout" attr:class="button">"Proceed to checkout"</A>
        }.into_any(),
    }
    }
}

#[component]
fn CartLine(
    item: CartItem,
    currency: String,
    on_change: impl Fn(i64, Option<i64>) + Copy + 'static,
) -> impl IntoView {
    let id = item.product_id;
    let label = format!("Quantity of {}", item.name);
    let remove_label = format!("Remove {}", item.name);
    view! {
        <tr>
            <td data-label="Product"><A href=format!("/products/{id}")>{item.name.clone()}</A></td>
            <td data-label="Unit price">{price(item.unit_price_cents, &currency)}</td>
            <td data-label="Quantity">
                <input type="number" min="1" max=Quantity::MAX.to_string() aria-label=label
                    prop:value=item.quantity.to_string()
                    on:change=move |ev| {
                        if let Ok(q) = event_target_value(&ev).parse::<i64>() {
                            on_change(id, Some(q));
                        }
                    } />
            </td>
            <td data-label="Total">{price(item.line_total_cents, &currency)}</td>
            <td class="actions"><button class="link" on:click=move |_| on_change(id, None) aria-label=remove_label>"Remove"</button></td>
        </tr>
    }
}
