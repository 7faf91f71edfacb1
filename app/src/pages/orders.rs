//! Purchase history.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{price, ErrorMessage, Loading};
use crate::session::use_session;
use api_types::orders::{Order, OrderList, OrderStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub(crate) fn OrdersPage() -> impl IntoView {
    view! {
        <h1>"Your orders"</h1>
        <Protected>
            <OrdersView />
        </Protected>
    }
}

fn status_label(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Pending => "Payment in progress",
        OrderStatus::Paid => "Paid",
        OrderStatus::PaymentFailed => "Payment declined",
    }
}

#[component]
fn OrdersView() -> impl IntoView {
    let session = use_session();
    let orders = RwSignal::new(None::<Result<OrderList, ApiError>>);
    spawn_local(async move {
        orders.set(Some(
            session.call(|api| async move { api.orders().await }).await,
        ))
    });
    move || match orders.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(list)) if list.items.is_empty() => view! {
            <p>"No orders yet. " <A href="/">"Browse the catalog"</A></p>
        }
        .into_any(),
        Some(Ok(list)) => view! {
            <ul class="orders" aria-label="Orders">
                {list.items.into_iter().map(|o| view! { <OrderCard order=o /> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
}

#[component]
fn OrderCard(order: Order) -> impl IntoView {
    let date = order
        .created_at
        .get(..10)
        .unwrap_or(&order.created_at)
        .to_owned();
    let class = match order.status {
        OrderStatus::Paid => "status paid",
        OrderStatus::PaymentFailed => "status failed",
        OrderStatus::Pending => "status",
    };
    view! {
        <li class="card order">
            <h2>"Order #" {order.id}</h2>
            <p>{date} " · " <span class=class>{status_label(order.status)}</span> " · " {price(order.total_cents, &order.currency)}</p>
            <ul>
                {order.items.iter().map(|i| view! {
                    <li>{i.quantity} " × " {i.name.clone()} " — " {price(i.line_total_cents, &order.currency)}</li>
                }).collect_view()}
            </ul>
        </li>
    }
}
