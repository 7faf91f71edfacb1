//! The catalog: categories, search, sort, a page of products, pagination. What is shown lives
//! in the URL's query (`?category=&q=&sort=&page=`), so it can be shared and reloaded.

use crate::api::{CatalogQuery, PublicApi};
use crate::components::{AddToCart, ErrorMessage, Loading, Price};
use api_types::catalog::{Category, Product, ProductSort};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Products per catalog page.
const PER_PAGE: u32 = 12;

const SORTS: [ProductSort; 5] = [
    ProductSort::Featured,
    ProductSort::NameAsc,
    ProductSort::NameDesc,
    ProductSort::PriceAsc,
    ProductSort::PriceDesc,
];

/// The name of an order of products, in the current language (reactive).
fn sort_label(sort: ProductSort) -> String {
    match sort {
        ProductSort::Featured => tr!("sort-featured"),
        ProductSort::NameAsc => tr!("sort-name-asc"),
        ProductSort::NameDesc => tr!("sort-name-desc"),
        ProductSort::PriceAsc => tr!("sort-price-asc"),
        ProductSort::PriceDesc => tr!("sort-price-desc"),
    }
}

fn parse_sort(s: &str) -> ProductSort {
    SORTS
        .iter()
        .copied()
        .find(|x| x.as_str() == s)
        .unwrap_or_default()
}

/// The catalog URL showing `q`.
fn href(q: &CatalogQuery) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &q.category {
        parts.push(format!("category={c}"));
    }
    if let Some(text) = &q.q {
        parts.push(format!("q={}", js_sys::encode_uri_component(text)));
    }
    if q.sort != ProductSort::Featured {
        parts.push(format!("sort={}", q.sort.as_str()));
    }
    if q.page > 1 {
        parts.push(format!("page={}", q.page));
    }
    if parts.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

#[component]
pub(crate) fn CatalogPage() -> impl IntoView {
    let params = use_query_map();
    let navigate = use_navigate();
    let query = Memo::new(move |_| {
        let p = params.read();
        CatalogQuery {
            page: p
                .get("page")
                .and_then(|v| v.parse().ok())
                .filter(|v| *v >= 1)
                .unwrap_or(1),
            per_page: PER_PAGE,
            category: p.get("category").filter(|c| !c.is_empty()),
            q: p.get("q")
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty()),
            sort: p.get("sort").map(|s| parse_sort(&s)).unwrap_or_default(),
        }
    });
    let categories = LocalResource::new(|| PublicApi.categories());
    let products = LocalResource::new(move || PublicApi.products(query.get()));
    let search_text = RwSignal::new(query.get_untracked().q.unwrap_or_default());

    let go = {
        let navigate = navigate.clone();
        move |q: CatalogQuery| navigate(&href(&q), Default::default())
    };
    let submit = {
        let go = go.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let text = search_text.get_untracked().trim().to_owned();
            go(CatalogQuery {
                q: (!text.is_empty()).then_some(text),
                page: 1,
                ..query.get_untracked()
            });
        }
    };
    let sort_changed = move |ev| {
        go(CatalogQuery {
            sort: parse_sort(&event_target_value(&ev)),
            page: 1,
            ..query.get_untracked()
        });
    };
    let in_category = move |c: Option<String>| {
        href(&CatalogQuery {
            category: c,
            page: 1,
            ..query.get()
        })
    };

    view! {
        <leptos_meta::Title text=move_tr!("catalog") />
        <h1>{move_tr!("catalog")}</h1>
        <div class="toolbar">
            <form class="search" role="search" on:submit=submit>
                <label for="search">{move_tr!("search")}</label>
                <input id="search" type="search" placeholder=move_tr!("search-placeholder") bind:value=search_text />
                <button type="submit">{move_tr!("search")}</button>
            </form>
            <label for="sort">{move_tr!("sort-by")}</label>
            <select id="sort" on:change=sort_changed prop:value=move || query.get().sort.as_str()>
                {SORTS.iter().map(|s| view! { <option value=s.as_str()>{move || sort_label(*s)}</option> }).collect_view()}
            </select>
        </div>
        <nav class="categories" aria-label=move_tr!("categories")>
            <A href=move || in_category(None) attr:class=move || if query.get().category.is_none() { "chip active" } else { "chip" }>{move_tr!("category-all")}</A>
            <Transition fallback=|| ()>
                {move || categories.get().map(|r| match r {
                    Ok(list) => list.into_iter().map(|c: Category| {
                        let id = c.id.clone();
                        let link_id = c.id.clone();
                        let class = move || if query.get().category.as_deref() == Some(id.as_str()) { "chip active" } else { "chip" };
                        view! { <A href=move || in_category(Some(link_id.clone())) attr:class=class>{c.name} " (" {c.product_count} ")"</A> }
                    }).collect_view().into_any(),
                    // The product list below reports the error once.
                    Err(_) => ().into_any(),
                })}
            </Transition>
        </nav>
        <Transition fallback=|| view! { <Loading /> }>
            {move || products.get().map(|r| match r {
                Ok(p) if p.items.is_empty() => view! {
                    <p role="status">{move_tr!("no-products-match")} " " <A href="/">{move_tr!("show-all-products")}</A></p>
                }.into_any(),
                Ok(p) => {
                    let pages = p.total.div_ceil(u64::from(p.per_page)).max(1) as u32;
                    let current = p.page;
                    let q = query.get();
                    let prev = href(&CatalogQuery { page: current.saturating_sub(1), ..q.clone() });
                    let next = href(&CatalogQuery { page: current + 1, ..q });
                    view! {
                        <p class="hint">{move_tr!("product-count", { "count" => p.total })}</p>
                        <ul class="grid" aria-label=move_tr!("products")>
                            {p.items.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
                        </ul>
                        <nav class="pager" aria-label=move_tr!("pages")>
                            {(current > 1).then(|| view! { <A href=prev>{move_tr!("previous")}</A> })}
                            <span>{move_tr!("page-of", { "page" => current, "pages" => pages })}</span>
                            {(current < pages).then(|| view! { <A href=next>{move_tr!("next")}</A> })}
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
            // The picture repeats the name's link: out of the tab order and hidden from screen
            // readers, so each product is one link for them.
            <A href=href.clone() attr:tabindex="-1" attr:aria-hidden="true">
                <img src=product.image_url.clone() alt="" width="240" height="180" />
            </A>
            <h2><A href=href>{product.name.clone()}</A></h2>
            <p class="price"><Price cents=product.price_cents currency=product.currency.clone() /></p>
            <AddToCart product_id=product.id quantity=1 in_stock={product.stock > 0} />
        </li>
    }
}
