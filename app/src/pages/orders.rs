//! Purchase history, and one order with its live status timeline.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{DateTime, ErrorMessage, Loading, Price};
use crate::session::use_session;
use api_types::orders::{Actor, Order, OrderPage, OrderStatus};
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub(crate) fn OrdersPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("your-orders") />
        <h1>{move_tr!("your-orders")}</h1>
        <Protected>
            <OrdersView />
        </Protected>
    }
}

/// CSS class of a status badge.
pub(crate) fn status_class(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Paid
        | OrderStatus::Preparing
        | OrderStatus::Shipped
        | OrderStatus::Delivered => "status ok",
        OrderStatus::PaymentFailed | OrderStatus::Cancelled => "status failed",
        OrderStatus::Pending => "status",
    }
}

/// A status for people, in the current language (reactive).
pub(crate) fn status_label(s: OrderStatus) -> String {
    match s {
        OrderStatus::Pending => tr!("status-pending"),
        OrderStatus::Paid => tr!("status-paid"),
        OrderStatus::PaymentFailed => tr!("status-payment_failed"),
        OrderStatus::Preparing => tr!("status-preparing"),
        OrderStatus::Shipped => tr!("status-shipped"),
        OrderStatus::Delivered => tr!("status-delivered"),
        OrderStatus::Cancelled => tr!("status-cancelled"),
    }
}

/// An order's status as a badge.
#[component]
pub(crate) fn StatusBadge(status: OrderStatus) -> impl IntoView {
    view! { <span class=status_class(status)>{move || status_label(status)}</span> }
}

#[component]
fn OrdersView() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .max(1)
    });
    // A resource runs again when the page changes and keeps only the newest run's answer, so
    // a slow answer for the page left behind never replaces the page asked for since.
    let orders: LocalResource<Result<OrderPage, ApiError>> = LocalResource::new(move || {
        let page = page.get();
        session.call(move |api| async move { api.orders(page).await })
    });
    let shown = move || match orders.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(list)) if list.items.is_empty() => view! {
            <p>{move_tr!("no-orders")} " " <A href="/">{move_tr!("browse-catalog")}</A></p>
        }
        .into_any(),
        Some(Ok(list)) => {
            let pages = list.total.div_ceil(u64::from(list.per_page)).max(1) as u32;
            let current = list.page;
            view! {
                <ul class="orders" aria-label=move_tr!("nav-orders")>
                    {list.items.into_iter().map(|o| view! { <OrderCard order=o /> }).collect_view()}
                </ul>
                <nav class="pager" aria-label=move_tr!("pages")>
                    {(current > 1).then(|| view! { <A href=format!("/orders?page={}", current - 1)>{move_tr!("newer")}</A> })}
                    <span>{move_tr!("page-of", { "page" => current, "pages" => pages })}</span>
                    {(current < pages).then(|| view! { <A href=format!("/orders?page={}", current + 1)>{move_tr!("older")}</A> })}
                </nav>
            }.into_any()
        }
    };
    view! { <Transition fallback=|| view! { <Loading /> }>{shown}</Transition> }
}

#[component]
fn OrderCard(order: Order) -> impl IntoView {
    view! {
        <li class="card order">
            <h2><A href=format!("/orders/{}", order.id)>{let id = order.id; move || tr!("order-number", { "id" => id })}</A></h2>
            <p>
                <DateTime at=order.created_at.clone() /> " · "
                <StatusBadge status=order.status /> " · "
                <Price cents=order.total_cents currency=order.currency.clone() />
            </p>
            <OrderLines order=order.clone() />
        </li>
    }
}

#[component]
fn OrderLines(order: Order) -> impl IntoView {
    view! {
        <ul>
            {order.items.iter().map(|i| view! {
                <li>{i.quantity} " × " {i.name.clone()} " — " <Price cents=i.line_total_cents currency=order.currency.clone() /></li>
            }).collect_view()}
        </ul>
    }
}

/// `/orders/:id`: one order; its status and timeline update live.
#[component]
pub(crate) fn OrderPage() -> impl IntoView {
    view! {
        <p><A href="/orders">"← " {move_tr!("all-your-orders")}</A></p>
        <Protected>
            <OrderView />
        </Protected>
    }
}

#[component]
fn OrderView() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);
    let order: LocalResource<Result<Order, ApiError>> =
        LocalResource::new(move || session.call(move |api| async move { api.order(id).await }));
    // Once the order is found, its live events replace it as they come. The stream belongs
    // to this component, not to the effect (whose cleanups run each time it runs again).
    let owner = Owner::current();
    let following = StoredValue::new(false);
    Effect::new(move || {
        if order.with(|o| matches!(o, Some(Ok(_)))) && !following.get_value() {
            following.set_value(true);
            let follow = move || {
                crate::live::follow_order(session, id, move |o| order.set(Some(Ok(o))));
            };
            match &owner {
                Some(owner) => owner.with(follow),
                None => follow(),
            }
        }
    });
    let cancel = Action::new_local(move |_: &()| {
        session.call(move |api| async move { api.cancel(id).await })
    });
    Effect::new(move || {
        if let Some(Ok(o)) = cancel.value().get() {
            order.set(Some(Ok(o)));
        }
    });
    let action_error = move || cancel.value().get().and_then(Result::err);
    move || match order.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(o)) => {
            let cancellable = o.status.may_move_to(OrderStatus::Cancelled, Actor::Owner);
            view! {
                <leptos_meta::Title text={let id = o.id; move || tr!("order-number", { "id" => id })} />
                <h1>{let id = o.id; move || tr!("order-number", { "id" => id })}</h1>
                <p class="order-status">
                    {move_tr!("status-label")} " " <strong class=status_class(o.status) data-testid="order-status">{let s = o.status; move || status_label(s)}</strong>
                </p>
                <Progress status=o.status />
                <OrderLines order=o.clone() />
                <p class="total">{move_tr!("total-label")} " " <strong><Price cents=o.total_cents currency=o.currency.clone() /></strong></p>
                <h2>{move_tr!("timeline")}</h2>
                <ol class="timeline" aria-label=move_tr!("timeline")>
                    {o.timeline.iter().map(|e| view! {
                        <li><StatusBadge status=e.status /> " — " <DateTime at=e.at.clone() /></li>
                    }).collect_view()}
                </ol>
                {move || action_error().map(|e| view! { <ErrorMessage error=e /> })}
                {cancellable.then(|| view! {
                    <button on:click=move |_| { cancel.dispatch(()); } aria-busy=move || cancel.pending().get().to_string()>{move_tr!("cancel-order")}</button>
                })}
            }.into_any()
        }
    }
}

/// The steps of a paid order, in order.
const STEPS: [OrderStatus; 4] = [
    OrderStatus::Paid,
    OrderStatus::Preparing,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
];

/// Where a paid order is on its way: paid → preparing → shipped → delivered, the steps done
/// marked and the current one `aria-current="step"`. An order that never got there (pending,
/// payment failed, cancelled) shows no tracker.
#[component]
fn Progress(status: OrderStatus) -> impl IntoView {
    STEPS.iter().position(|s| *s == status).map(|reached| view! {
        <ol class="progress" aria-label=move_tr!("progress")>
            {STEPS.iter().enumerate().map(|(i, step)| {
                let class = if i < reached { "done" } else if i == reached { "current" } else { "todo" };
                view! {
                    <li class=class aria-current=(i == reached).then_some("step")>
                        <span class="dot" aria-hidden="true">{if i <= reached { "✓" } else { "" }}</span>
                        {let step = *step; move || status_label(step)}
                    </li>
                }
            }).collect_view()}
        </ol>
    })
}
