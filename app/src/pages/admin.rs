//! Admin pages: the orders board (move orders through preparing, shipped, delivered) and the
//! products page (price, stock, hide). The API refuses non-admins anyway; these pages only
//! spare them a screen of errors.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{price, ErrorMessage, Loading};
use crate::pages::orders::status_class;
use crate::session::use_session;
use api_types::auth::Role;
use api_types::catalog::{Category, NewProduct, Product, ProductPage, ProductPatch};
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
                                    <td data-label="Customer">{if o.customer.is_empty() { format!("user {}", o.user_id) } else { o.customer.clone() }}</td>
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
    view! {
        <NewProductForm on_created=load />
        {move || match products.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(page)) => view! {
            <table class="board stack" aria-label="Products">
                <thead><tr><th>"Product"</th><th>"Price (€)"</th><th>"Stock"</th><th>"In catalog"</th><th></th></tr></thead>
                <tbody>
                    {page.items.into_iter().map(|p| view! { <ProductRow product=p on_saved=load /> }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
        }}
    }
}

/// A price typed in euros and a stock typed as a whole number, as cents and units; the
/// problem to show when either is not.
fn price_and_stock(price: &str, stock: &str) -> Result<(i64, i64), ApiError> {
    match (
        api_types::validate::parse_typed_amount(price),
        stock.trim().parse::<i64>(),
    ) {
        (Some(cents), Ok(units)) => Ok((cents, units)),
        _ => Err(ApiError::Problem(api_types::Problem::new(
            422,
            "validation_failed",
            "Invalid input",
            Some(
                "Enter the price in euros, like 12.90, and the stock as a whole number.".to_owned(),
            ),
        ))),
    }
}

/// The form that adds a product to the catalog (price typed in euros).
#[component]
fn NewProductForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let session = use_session();
    let categories = RwSignal::new(Vec::<Category>::new());
    spawn_local(async move {
        if let Ok(list) = crate::api::PublicApi.categories().await {
            categories.set(list);
        }
    });
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let price_typed = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let stock = RwSignal::new("0".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let (price_cents, units) =
            match price_and_stock(&price_typed.get_untracked(), &stock.get_untracked()) {
                Ok(both) => both,
                Err(e) => {
                    error.set(Some(e));
                    return;
                }
            };
        let product = NewProduct {
            name: name.get_untracked(),
            description: description.get_untracked(),
            price_cents,
            category: category.get_untracked(),
            stock: units,
            image_url: None,
        };
        error.set(None);
        spawn_local(async move {
            match session
                .call(move |api| {
                    let product = product.clone();
                    async move { api.create_product(&product).await }
                })
                .await
            {
                Ok(p) => {
                    created.set(Some(p.name));
                    name.set(String::new());
                    description.set(String::new());
                    price_typed.set(String::new());
                    stock.set("0".to_owned());
                    on_created();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card new-product" on:submit=submit aria-label="New product">
            <h2>"Add a product"</h2>
            <label for="new-product-name">"Name"</label>
            <input id="new-product-name" required maxlength="120" bind:value=name />
            <label for="new-product-description">"Description"</label>
            <textarea id="new-product-description" required maxlength="2000" rows="2" bind:value=description></textarea>
            <label for="new-product-price">"Price (€)"</label>
            <input id="new-product-price" inputmode="decimal" required placeholder="12.90" bind:value=price_typed />
            <label for="new-product-category">"Category"</label>
            <select id="new-product-category" required bind:value=category>
                <option value="">"Choose…"</option>
                {move || categories.get().into_iter().map(|c| view! { <option value=c.id.clone()>{c.name}</option> }).collect_view()}
            </select>
            <label for="new-product-stock">"Stock"</label>
            <input id="new-product-stock" type="number" min="0" required bind:value=stock />
            <button type="submit">"Add product"</button>
            <p role="status">{move || created.get().map(|n| view! { <span class="ok">{format!("{n} added.")}</span> })}</p>
            {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
        </form>
    }
}

#[component]
fn ProductRow(product: Product, on_saved: impl Fn() + Copy + 'static) -> impl IntoView {
    let session = use_session();
    let id = product.id;
    // Edited in euros ("12.90" or "12,90"), sent in cents.
    let price_typed = RwSignal::new(format!(
        "{}.{:02}",
        product.price_cents / 100,
        product.price_cents % 100
    ));
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
    let save = move |_| match price_and_stock(&price_typed.get_untracked(), &stock.get_untracked())
    {
        Ok((p, s)) => send(ProductPatch {
            price_cents: Some(p),
            stock: Some(s),
            ..ProductPatch::default()
        }),
        Err(e) => error.set(Some(e)),
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
            <td data-label="Price (€)"><input type="text" inputmode="decimal" class="amount" aria-label=format!("Price of {name} in euros") bind:value=price_typed /></td>
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
