//! The cart: change quantities, remove lines, go to checkout.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{ErrorMessage, Loading, Price};
use crate::session::use_session;
use api_types::orders::{Cart, CartItem};
use api_types::validate::Quantity;
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::components::A;

#[component]
pub(crate) fn CartPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("your-cart") />
        <h1>{move_tr!("your-cart")}</h1>
        <Protected>
            <CartView />
        </Protected>
    }
}

#[component]
fn CartView() -> impl IntoView {
    let session = use_session();
    let count = crate::cart_count::use_cart_count();
    let cart: LocalResource<Result<Cart, ApiError>> =
        LocalResource::new(move || session.call(|api| async move { api.cart().await }));
    // Every cart the API answers also sets the header's count.
    Effect::new(move || {
        if let Some(Ok(c)) = cart.get() {
            count.show(&c);
        }
    });

    // A change of one line: its product and new quantity (`None`: remove it). Only the newest
    // change's answer is shown (an `Action` keeps the latest dispatch's), so answers arriving
    // out of order cannot bring back an older cart.
    let update = Action::new_local(move |&(product_id, quantity): &(i64, Option<i64>)| {
        session.call(move |api| async move {
            match quantity {
                Some(q) => api.set_quantity(product_id, q).await,
                None => api.remove_item(product_id).await,
            }
        })
    });
    let failure = RwSignal::new(None::<ApiError>);
    // What the last change did, announced politely by screen readers (WCAG 4.1.3): the
    // product's name and whether it was removed; the new total is read from the cart.
    let announced = RwSignal::new(None::<(String, bool)>);
    // The newest change sent: its product's name and whether it removes the line (an action's
    // input is gone once it has answered).
    let sent = StoredValue::new((String::new(), false));
    Effect::new(move || match update.value().get() {
        Some(Ok(c)) => {
            cart.set(Some(Ok(c)));
            announced.set(Some(sent.get_value()));
        }
        Some(Err(e)) => {
            // Show the error above the current cart, read again (it is unchanged).
            leptos::logging::warn!("cart update failed: {:?}", e.code());
            failure.set(Some(e));
            cart.refetch();
        }
        None => {}
    });
    let change = move |product_id: i64, quantity: Option<i64>| {
        failure.set(None);
        announced.set(None);
        let name = cart.with_untracked(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .and_then(|c| c.items.iter().find(|i| i.product_id == product_id))
                .map(|i| i.name.clone())
                .unwrap_or_default()
        });
        sent.set_value((name, quantity.is_none()));
        update.dispatch((product_id, quantity));
    };

    let announcement = move || {
        let (name, removed) = announced.get()?;
        let total = cart.with(|c| {
            c.as_ref()
                .and_then(|c| c.as_ref().ok())
                .map(|c| crate::i18n::money(c.total_cents, &c.currency))
        })?;
        Some(if removed {
            tr!("cart-removed", { "name" => name, "total" => total })
        } else {
            tr!("cart-updated", { "name" => name, "total" => total })
        })
    };
    let page = move || {
        match cart.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(c)) if c.items.is_empty() => view! {
            <p>{move_tr!("cart-empty")} " " <A href="/">{move_tr!("browse-catalog")}</A></p>
        }.into_any(),
        Some(Ok(c)) => view! {
            {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
            <table class="cart stack">
                <thead><tr><th>{move_tr!("col-product")}</th><th>{move_tr!("col-unit-price")}</th><th>{move_tr!("quantity")}</th><th>{move_tr!("col-total")}</th><th></th></tr></thead>
                <tbody>
                    {c.items.iter().cloned().map(|item| view! { <CartLine item currency=c.currency.clone() on_change=change /> }).collect_view()}
                </tbody>
            </table>
            <p class="total">{move_tr!("total-label")} " " <strong data-testid="cart-total"><Price cents=c.total_cents currency=c.currency.clone() /></strong></p>
            <A href="/checkout" attr:class="button">{move_tr!("proceed-to-checkout")}</A>
        }.into_any(),
    }
    };
    view! {
        // Present before any change, so that screen readers announce what is put in it.
        <p class="visually-hidden" role="status" data-testid="cart-announcement">{announcement}</p>
        {page}
    }
}

#[component]
fn CartLine(
    item: CartItem,
    currency: String,
    on_change: impl Fn(i64, Option<i64>) + Copy + 'static,
) -> impl IntoView {
    let id = item.product_id;
    let name = item.name.clone();
    let label = move || tr!("quantity-of", { "name" => name.clone() });
    let name = item.name.clone();
    let remove_label = move || tr!("remove-named", { "name" => name.clone() });
    view! {
        <tr>
            <td data-label=move_tr!("col-product")><A href=format!("/products/{id}")>{item.name.clone()}</A></td>
            <td data-label=move_tr!("col-unit-price")><Price cents=item.unit_price_cents currency=currency.clone() /></td>
            <td data-label=move_tr!("quantity")>
                <input type="number" min="1" max=Quantity::MAX.to_string() aria-label=label
                    prop:value=item.quantity.to_string()
                    on:change=move |ev| {
                        if let Ok(q) = event_target_value(&ev).parse::<i64>() {
                            on_change(id, Some(q));
                        }
                    } />
            </td>
            <td data-label=move_tr!("col-total")><Price cents=item.line_total_cents currency=currency /></td>
            <td class="actions"><button class="link" on:click=move |_| on_change(id, None) aria-label=remove_label>{move_tr!("remove")}</button></td>
        </tr>
    }
}
