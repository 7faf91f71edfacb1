//! Admin pages: the orders board (move orders through preparing, shipped, delivered) and the
//! products page (price, stock, hide). The API refuses non-admins anyway; these pages only
//! spare them a screen of errors.

use crate::api::ApiError;
use crate::components::protected::Protected;
use crate::components::{described_by, invalid, ErrorMessage, FieldMessage, Loading, Price};
use crate::pages::orders::{status_label, StatusBadge};
use crate::session::use_session;
use api_types::auth::Role;
use api_types::catalog::{Category, NewProduct, Product, ProductPage, ProductPatch};
use api_types::orders::{Actor, Order, OrderPage, OrderStatus};
use leptos::prelude::*;
use leptos_fluent::tr;
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
                    view! { <p class="error" role="alert">{move_tr!("admins-only")}</p> }.into_any()
                }
            }
        </Protected>
    }
}

/// The admin's next step for an order in `status` (the lifecycle table's forward move for
/// admins; cancelling has its own place).
fn next_step(status: OrderStatus) -> Option<OrderStatus> {
    status
        .next_steps(Actor::Admin)
        .find(|to| *to != OrderStatus::Cancelled)
}

/// Who placed `order`: the username kept with it, else (orders placed before names were kept)
/// its user id (reactive).
fn customer_label(order: &Order) -> String {
    if order.customer.is_empty() {
        tr!("customer-user-id", { "id" => order.user_id })
    } else {
        order.customer.clone()
    }
}

/// The label of the button that moves an order to `to`, in the current language (reactive).
fn step_label(to: OrderStatus) -> String {
    match to {
        OrderStatus::Preparing => tr!("start-preparing"),
        OrderStatus::Shipped => tr!("mark-shipped"),
        OrderStatus::Delivered => tr!("mark-delivered"),
        other => status_label(other),
    }
}

#[component]
pub(crate) fn AdminOrdersPage() -> impl IntoView {
    view! {
        <leptos_meta::Title text=move_tr!("nav-board") />
        <h1>{move_tr!("nav-board")}</h1>
        <AdminOnly>
            <OrdersBoard />
        </AdminOnly>
    }
}

#[component]
fn OrdersBoard() -> impl IntoView {
    let session = use_session();
    let filter = RwSignal::new(None::<OrderStatus>);
    // Read again when the filter changes; only the newest answer is shown.
    let orders: LocalResource<Result<OrderPage, ApiError>> = LocalResource::new(move || {
        let status = filter.get();
        session.call(move |api| async move { api.admin_orders(status).await })
    });
    let step = Action::new_local(move |&(id, to): &(i64, OrderStatus)| {
        session.call(move |api| async move { api.set_status(id, to).await })
    });
    let failure = RwSignal::new(None::<ApiError>);
    Effect::new(move || match step.value().get() {
        Some(Ok(_)) => orders.refetch(),
        Some(Err(e)) => failure.set(Some(e)),
        None => {}
    });
    let advance = move |id: i64, to: OrderStatus| {
        failure.set(None);
        step.dispatch((id, to));
    };
    let filter_changed = move |ev| filter.set(OrderStatus::parse(&event_target_value(&ev)));
    // Named outside `view!`: leptos-fluent's translation check skips the first `{…}` after a
    // `<tr>` (it reads the tag as a `tr!` call).
    let order_column = move_tr!("col-order");
    view! {
        <label for="status-filter">{move_tr!("show-orders")}</label>
        <select id="status-filter" on:change=filter_changed>
            <option value="">{move_tr!("all-orders")}</option>
            {OrderStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{let s = *s; move || status_label(s)}</option> }).collect_view()}
        </select>
        {move || failure.get().map(|e| view! { <ErrorMessage error=e /> })}
        {move || match orders.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
            Some(Ok(page)) if page.items.is_empty() => view! { <p>{move_tr!("board-empty")}</p> }.into_any(),
            Some(Ok(page)) => view! {
                <table class="board stack" aria-label=move_tr!("nav-board")>
                    <thead><tr><th>{order_column}</th><th>{move_tr!("col-customer")}</th><th>{move_tr!("col-total")}</th><th>{move_tr!("col-status")}</th><th>{move_tr!("col-next-step")}</th></tr></thead>
                    <tbody>
                        {page.items.into_iter().map(|o: Order| {
                            let id = o.id;
                            view! {
                                <tr>
                                    <td data-label=order_column><A href=format!("/orders/{id}")>"#" {id}</A></td>
                                    <td data-label=move_tr!("col-customer")>{let o = o.clone(); move || customer_label(&o)}</td>
                                    <td data-label=move_tr!("col-total")><Price cents=o.total_cents currency=o.currency.clone() /></td>
                                    <td data-label=move_tr!("col-status")><StatusBadge status=o.status /></td>
                                    <td class="actions">{next_step(o.status).map(|to| view! {
                                        <button on:click=move |_| advance(id, to) aria-label=move || format!("{} #{id}", step_label(to))>{move || step_label(to)}</button>
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
        <leptos_meta::Title text=move_tr!("nav-products") />
        <h1>{move_tr!("nav-products")}</h1>
        <AdminOnly>
            <ProductsTable />
        </AdminOnly>
    }
}

#[component]
fn ProductsTable() -> impl IntoView {
    let session = use_session();
    let products: LocalResource<Result<ProductPage, ApiError>> =
        LocalResource::new(move || session.call(|api| async move { api.admin_products().await }));
    let load = move || products.refetch();
    view! {
        <NewProductForm on_created=load />
        {move || match products.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(e)) => view! { <ErrorMessage error=e /> }.into_any(),
        Some(Ok(page)) => view! {
            <table class="board stack" aria-label=move_tr!("nav-products")>
                <thead><tr><th>{move_tr!("col-product")}</th><th>{move_tr!("price-eur")}</th><th>{move_tr!("stock")}</th><th>{move_tr!("col-in-catalog")}</th><th></th></tr></thead>
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
        // The app's own code: nothing was sent.
        _ => Err(ApiError::Problem(Box::new(api_types::Problem::new(
            422,
            "price_or_stock",
            "Unprocessable Entity",
            Some(
                "Enter the price in euros, like 12.90, and the stock as a whole number.".to_owned(),
            ),
        )))),
    }
}

/// The form that adds a product to the catalog (price typed in euros).
#[component]
fn NewProductForm(on_created: impl Fn() + Copy + 'static) -> impl IntoView {
    let session = use_session();
    let categories = LocalResource::new(|| crate::api::PublicApi.categories());
    let categories =
        move || -> Vec<Category> { categories.get().and_then(Result::ok).unwrap_or_default() };
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let price_typed = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let stock = RwSignal::new("0".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<String>);
    let create = Action::new_local(move |product: &NewProduct| {
        let product = product.clone();
        session.call(move |api| {
            let product = product.clone();
            async move { api.create_product(&product).await }
        })
    });
    Effect::new(move || match create.value().get() {
        Some(Ok(p)) => {
            created.set(Some(p.name));
            name.set(String::new());
            description.set(String::new());
            price_typed.set(String::new());
            stock.set("0".to_owned());
            on_created();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
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
        create.dispatch(product);
    };
    view! {
        <form class="card new-product" on:submit=submit aria-label=move_tr!("new-product")>
            <h2>{move_tr!("add-a-product")}</h2>
            <label for="new-product-name">{move_tr!("product-name")}</label>
            <input id="new-product-name" required maxlength="120" bind:value=name
                aria-invalid=invalid(error, "name")
                aria-describedby=described_by(error, "name", "new-product-name", false) />
            <FieldMessage error field="name" id="new-product-name" />
            <label for="new-product-description">{move_tr!("product-description")}</label>
            <textarea id="new-product-description" required maxlength="2000" rows="2" bind:value=description
                aria-invalid=invalid(error, "description")
                aria-describedby=described_by(error, "description", "new-product-description", false)></textarea>
            <FieldMessage error field="description" id="new-product-description" />
            <label for="new-product-price">{move_tr!("price-eur")}</label>
            <input id="new-product-price" inputmode="decimal" required placeholder=move_tr!("price-placeholder") bind:value=price_typed />
            <label for="new-product-category">{move_tr!("product-category")}</label>
            <select id="new-product-category" required bind:value=category>
                <option value="">{move_tr!("choose")}</option>
                {move || categories().into_iter().map(|c| view! { <option value=c.id.clone()>{c.name}</option> }).collect_view()}
            </select>
            <label for="new-product-stock">{move_tr!("stock")}</label>
            <input id="new-product-stock" type="number" min="0" required bind:value=stock />
            <button type="submit">{move_tr!("add-product")}</button>
            <p role="status">{move || created.get().map(|n| view! { <span class="ok">{move || tr!("product-added", { "name" => n.clone() })}</span> })}</p>
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
    let patch = Action::new_local(move |patch: &ProductPatch| {
        let patch = patch.clone();
        session.call(move |api| {
            let patch = patch.clone();
            async move { api.patch_product(id, &patch).await }
        })
    });
    Effect::new(move || match patch.value().get() {
        Some(Ok(_)) => on_saved(),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let send = move |p: ProductPatch| {
        error.set(None);
        patch.dispatch(p);
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
            <td data-label=move_tr!("col-product")>{product.name.clone()} <br /> <small><Price cents=product.price_cents currency=product.currency.clone() /></small></td>
            <td data-label=move_tr!("price-eur")><input type="text" inputmode="decimal" class="amount" aria-label={let name = name.clone(); move || tr!("price-of", { "name" => name.clone() })} bind:value=price_typed /></td>
            <td data-label=move_tr!("stock")><input type="number" min="0" aria-label={let name = name.clone(); move || tr!("stock-of", { "name" => name.clone() })} bind:value=stock /></td>
            <td data-label=move_tr!("col-in-catalog")>{move || if active { tr!("in-catalog-yes") } else { tr!("in-catalog-hidden") }}</td>
            <td class="actions">
                <button on:click=save aria-label=move || tr!("save-named", { "name" => name.clone() })>{move_tr!("save")}</button> " "
                <button class="link" on:click=toggle>{move || if active { tr!("hide") } else { tr!("show") }}</button>
                {move || error.get().map(|e| view! { <ErrorMessage error=e /> })}
            </td>
        </tr>
    }
}
