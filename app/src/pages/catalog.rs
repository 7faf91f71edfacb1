//! The catalog: categories, a page of products, pagination.

use crate::api::PublicApi;
use crate::components::{price, AddToCart, ErrorMessage, Loading};
use api_types::catalog::{Category, Product};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Products per catalog page.
const PER_PAGE: u32 = 12;

fn catalog_href(category: Option<&str>, page: u32) -> String {
    match (category, page) {
        (None, 1) => "/".to_owned(),
        (None, p) => format!("/?page={p}"),
        (Some(c), 1) => format!("/?category={c}"),
        (Some(c), p) => format!("/?category={c}&page={p}"),
    }
}

#[component]
pub(crate) fn CatalogPage() -> impl IntoView {
    let query = use_query_map();
    let category = Memo::new(move |_| query.read().get("category").filter(|c| !c.is_empty()));
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    });
    let categories = LocalResource::new(|| PublicApi.categories());
    let products =
        LocalResource::new(move || PublicApi.products(page.get(), PER_PAGE, category.get()));

    view! {
        <h1>"Catalog"</h1>
        <nav class="categories" aria-label="Categories">
            <A href="/" attr:class=move || if category.get().is_none() { "chip active" } else { "chip" }>"All"</A>
            <Transition fallback=|| ()>
                {move || categories.get().map(|r| match r {
                    Ok(list) => list.into_iter().map(|c: Category| {
                        let id = c.id.clone();
                        let class = move || if category.get().as_deref() == Some(id.as_str()) { "chip active" } else { "chip" };
                        view! { <A href=catalog_href(Some(&c.id), 1) attr:class=class>{c.name} " (" {c.product_count} ")"</A> }
                    }).collect_view().into_any(),
                    Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
                })}
            </Transition>
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || products.get().map(|r| match r {
                Ok(p) => {
                    let pages = p.total.div_ceil(u64::from(p.per_page)).max(1) as u32;
                    let current = p.page;
                    let cat = category.get();
                    view! {
                        <ul class="grid" aria-label="Products">
                            {p.items.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
                        </ul>
                        <nav class="pager" aria-label="Pages">
                            {(current > 1).then(|| view! { <A href=catalog_href(cat.as_deref(), current - 1)>"← Previous"</A> })}
                            <span>"Page " {current} " of " {pages}</span>
                            {(current < pages).then(|| view! { <A href=catalog_href(cat.as_deref(), current + 1)>"Next →"</A> })}
                        </nav>
                    }.into_any()
                }
                Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ProductCard(product: Product) -> impl IntoView {
    let href = format!("/products/{}", product.id);
    view! {
        <li class="product-card">
            <A href=href.clone()>
                <img src=product.image_url.clone() alt="" width="240" height="180" />
            </A>
            <h2><A href=href>{product.name.clone()}</A></h2>
            <p class="price">{price(product.price_cents, &product.currency)}</p>
            <AddToCart product_id=product.id quantity=1 in_stock={product.stock > 0} />
        </li>
    }
}
