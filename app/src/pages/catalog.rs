//! The catalog: categories, search, sort, a page of products, pagination. What is shown lives
//! in the URL's query (`?category=&q=&sort=&page=`), so it can be shared and reloaded.

use crate::api::{CatalogQuery, PublicApi};
use crate::components::{price, AddToCart, ErrorMessage, Loading};
use api_types::catalog::{Category, Product, ProductSort};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Products per catalog page.
const PER_PAGE: u32 = 12;

const SORTS: [(ProductSort, &str); 5] = [
    (ProductSort::Featured, "Featured"),
    (ProductSort::NameAsc, "Name, A to Z"),
    (ProductSort::NameDesc, "Name, Z to A"),
    (ProductSort::PriceAsc, "Price, low to high"),
    (ProductSort::PriceDesc, "Price, high to low"),
];

fn parse_sort(s: &str) -> ProductSort {
    SORTS
        .iter()
        .map(|(s, _)| *s)
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
        <leptos_meta::Title text="Catalog" />
        <h1>"Catalog"</h1>
        <div class="toolbar">
            <form class="search" role="search" on:submit=submit>
                <label for="search">"Search"</label>
                <input id="search" type="search" placeholder="Beans, tea, kettle…" bind:value=search_text />
                <button type="submit">"Search"</button>
            </form>
            <label for="sort">"Sort by"</label>
            <select id="sort" on:change=sort_changed prop:value=move || query.get().sort.as_str()>
                {SORTS.iter().map(|(s, label)| view! { <option value=s.as_str()>{*label}</option> }).collect_view()}
            </select>
        </div>
        <nav class="categories" aria-label="Categories">
            <A href=move || in_category(None) attr:class=move || if query.get().category.is_none() { "chip active" } else { "chip" }>"All"</A>
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
                    <p role="status">"No products match. " <A href="/">"Show all products"</A></p>
                }.into_any(),
                Ok(p) => {
                    let pages = p.total.div_ceil(u64::from(p.per_page)).max(1) as u32;
                    let current = p.page;
                    let q = query.get();
                    let prev = href(&CatalogQuery { page: current.saturating_sub(1), ..q.clone() });
                    let next = href(&CatalogQuery { page: current + 1, ..q });
                    view! {
                        <p class="hint">{crate::components::count_of(p.total, "product", "products")}</p>
                        <ul class="grid" aria-label="Products">
                            {p.items.into_iter().map(|product| view! { <ProductCard product /> }).collect_view()}
                        </ul>
                        <nav class="pager" aria-label="Pages">
                            {(current > 1).then(|| view! { <A href=prev>"← Previous"</A> })}
                            <span>"Page " {current} " of " {pages}</span>
                            {(current < pages).then(|| view! { <A href=next>"Next →"</A> })}
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
            <p class="price">{price(product.price_cents, &product.currency)}</p>
            <AddToCart product_id=product.id quantity=1 in_stock={product.stock > 0} />
        </li>
    }
}
