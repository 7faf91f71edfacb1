//! Admin pages: the orders board (move orders through preparing, shipped, delivered) and the
//! products page (price, stock, hide). The API refuses non-admins anyway; these pages only
//! spare them a screen of errors.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{price, ErrorMessage, Loading};
use crate::pages::orders::status_class;
use crate::session::use_session;
use api_types::auth::Role;
use api_types::catalog::{Product, ProductPage, ProductPatch};
use api_types::orders::{Actor, Order, OrderPage, OrderStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// Shows `children` to admins only.
#[component]
pub(crate) fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    view! {
        <Protected>
            {
                let children = children.clone();
                move || if session.user().is_some_and(|u| u.role == Role::Admin) {
                    children().into_any()
                } else {
                    view! { <p class="error" role="alert">"This page is for admins."</p> }.into_any()
                }
            }
        </Protected>
    }
}

/// The admin's next step for an order in `status` (the lifecycle table's forward move for
/// admins; cancelling has its own place), with its button label.
fn next_step(status: OrderStatus) -> Option<(OrderStatus, &'static str)> {
    let to = status
        .next_steps(Actor::Admin)
        .find(|to| *to != OrderStatus::Cancelled)?;
    let label = match to {
        OrderStatus::Preparing => "Start preparing",
        OrderStatus::Shipped => "Mark shipped",
        OrderStatus::Delivered => "Mark delivered",
        _ => to.label(),
    };
    Some((to, label))
}

#[component]
pub(crate) fn AdminOrdersPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Orders board" />
        <h1>"Orders board"</h1>
        <AdminOnly>
            <OrdersBoard />
        </AdminOnly>
    }
}

#[component]
fn OrdersBoard() -> impl IntoView {
    let session = use_session();
    let filter = RwSignal::new(None::<OrderStatus>);
    let orders = RwSignal::new(None::<Result<OrderPage, ApiError>>);
    let failure = RwSignal::new(None::<ApiError>);
    let load = move || {
        let status = filter.get_untracked();
        spawn_local(async move {
            orders.set(Some(
                session
                    .call(move |api| async move { api.admin_orders(status).await })
                    .await,
            ))
        });
    };
    Effect::new(move |_| {
        filter.track();
        load();
    });
    let advance = move |id: i64, to: OrderStatus| {
        failure.set(None);
        spawn_local(async move {
            match session
                .call(move |api| async move { api.set_status(id, to).await })
                .await
            {
                Ok(_) => load(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let filter_changed = move |ev| filter.set(OrderStatus::parse(&event_target_value(&ev)));
    view! {
        <label for="status-filter">"Show"</label>
        <select id="status-filter" on:change=filter_changed>
            <option value="">"All orders"</option>
            {OrderStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
        </select>
        {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
        {move || match orders.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
            Some(Ok(page)) if page.items.is_empty() => view! { <p>"No orders."</p> }.into_any(),
            Some(Ok(page)) => view! {
                <table class="board stack" aria-label="Orders board">
                    <thead><tr><th>"Order"</th><th>"Customer"</th><th>"Total"</th><th>"Status"</th><th>"Next step"</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|o: Order| {
                            let id = o.id;
                            view! {
                                <tr>
                                    <td data-label="Order"><A href=format!("/orders/{id}")>"#" {id}</A></td>
                                    <td data-label="Customer">"user " {o.user_id}</td>
                                    <td data-label="Total">{price(o.total_cents, &o.currency)}</td>
                                    <td data-label="Status"><span class=status_class(o.status)>{o.status.label()}</span></td>
                                    <td class="actions">{next_step(o.status).map(|(to, label)| view! {
                                        <button on:click=move |_| advance(id, to) aria-label=format!("{label} #{id}")>{label}</button>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}

#[component]
pub(crate) fn AdminProductsPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text="Products" />
        <h1>"Products"</h1>
        <AdminOnly>
            <ProductsTable />
        </AdminOnly>
    }
}

#[component]
fn ProductsTable() -> impl IntoView {
    let session = use_session();
    let products = RwSignal::new(None::<Result<ProductPage, ApiError>>);
    let load = move || {
        spawn_local(async move {
            products.set(Some(
                session
                    .call(|api| async move { api.admin_products().await })
                    .await,
            ))
        });
    };
    load();
    move || {
        match products.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(page)) => view! {
            <table class="board stack" aria-label="Products">
                <thead><tr><th>"Product"</th><th>"Price (cents)"</th><th>"Stock"</th><th>"In catalog"</th><th></th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|p| view! { <ProductRow product=p on_saved=load /> }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    }
    }
}

#[component]
fn ProductRow(product: Product, on_saved: impl Fn() + Copy + 'static) -> impl IntoView {
    let session = use_session();
    let id = product.id;
    let price_cents = RwSignal::new(product.price_cents.to_string());
    let stock = RwSignal::new(product.stock.to_string());
    let error = RwSignal::new(None::<ApiError>);
    let send = move |patch: ProductPatch| {
        error.set(None);
        spawn_local(async move {
            match session
                .call(move |api| {
                    let patch = patch.clone();
                    async move { api.patch_product(id, &patch).await }
                })
                .await
            {
                Ok(_) => on_saved(),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save = move |_| {
        let price = price_cents.get_untracked().trim().parse::<i64>();
        let units = stock.get_untracked().trim().parse::<i64>();
        match (price, units) {
            (Ok(p), Ok(s)) => send(ProductPatch {
                price_cents: Some(p),
                stock: Some(s),
                ..ProductPatch::default()
            }),
            _ => error.set(Some(ApiError::Problem(api_types::Problem::new(
                422,
                "validation_failed",
                "Invalid input",
                Some("Price and stock must be whole numbers.".to_owned()),
            )))),
        }
    };
    let active = product.active;
    let toggle = move |_| {
        send(ProductPatch {
            active: Some(!active),
            ..ProductPatch::default()
        })
    };
    let name = product.name.clone();
    view! {
        <tr>
            <td data-label="Product">{product.name.clone()} <br /> <small>{price(product.price_cents, &product.currency)}</small></td>
            <td data-label="Price (cents)"><input type="number" min="0" aria-label=format!("Price of {name}") bind:value=price_cents /></td>
            <td data-label="Stock"><input type="number" min="0" aria-label=format!("Stock of {name}") bind:value=stock /></td>
            <td data-label="In catalog">{if active { "Yes" } else { "Hidden" }}</td>
            <td class="actions">
                <button on:click=save aria-label=format!("Save {name}")>"Save"</button> " "
                <button class="link" on:click=toggle>{if active { "Hide" } else { "Show" }}</button>
                {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
            </td>
        </tr>
    }
}
