//! One product.

use crate::api::PublicApi;
use crate::components::{AddToCart, ErrorMessage, Loading, Price};
use api_types::validate::Quantity;
use leptos::prelude::*;
use leptos_fluent::tr;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub(crate) fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let product = LocalResource::new(move || PublicApi.product(id.get()));
    let quantity = RwSignal::new(1_i64);

    view! {
        <p><A href="/">"← " {move_tr!("back-to-catalog")}</A></p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || product.get().map(|r| match r {
                Ok(p) => view! {
                    <article class="product-detail">
                        <img src=p.image_url.clone() alt=p.name.clone() width="480" height="360" />
                        <div>
                            <leptos_meta::Title text=p.name.clone() />
                            <h1>{p.name.clone()}</h1>
                            <p class="price"><Price cents=p.price_cents currency=p.currency.clone() /></p>
                            <p>{p.description.clone()}</p>
                            <p class="stock">{let stock = p.stock; move || if stock > 0 { tr!("in-stock", { "count" => stock }) } else { tr!("sold-out") }}</p>
                            <label for="quantity">{move_tr!("quantity")}</label>
                            <input id="quantity" type="number" min="1" max=Quantity::MAX.to_string()
                                prop:value=move || quantity.get().to_string()
                                on:input=move |ev| {
                                    let v = event_target_value(&ev).parse::<i64>().unwrap_or(1);
                                    quantity.set(v.clamp(1, Quantity::MAX));
                                } />
                            <AddToCart product_id=p.id quantity=quantity in_stock={p.stock > 0} />
                        </div>
                    </article>
                }.into_any(),
                Err(e) => view! { <ErrorMessage error=e /> }.into_any(),
            })}
        </Transition>
    }
}
