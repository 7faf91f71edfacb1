//! The catalog: products and categories. Reading is public; changing needs an admin token.

use crate::error::OrdersError;
use crate::store;
use crate::AppState;
use api_types::catalog::{Category, NewProduct, Product, ProductPage, ProductPatch, ProductSort};
use api_types::validate::{text, Cents, Invalid, Stock};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shop_common::extract::{Admin, Json, Path, Query};
use shop_common::paging::Paging;
use shop_common::ApiError;

/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 100;

/// Query of `GET /api/products` and `GET /api/admin/products`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2147483647)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    category: Option<String>,
    /// Text searched in names and descriptions: at most 100 characters, no control characters.
    #[param(max_length = 100, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    q: Option<String>,
    #[serde(default)]
    sort: ProductSort,
}

async fn search(
    state: &AppState,
    q: ProductQuery,
    include_hidden: bool,
) -> Result<ProductPage, OrdersError> {
    let paging = Paging::new(q.page, q.per_page)?;
    let category = q.category.filter(|c| !c.is_empty());
    let text = match q.q {
        Some(raw) => api_types::validate::search_text("q", &raw, MAX_QUERY_CHARS)?,
        None => None,
    };
    let filter = store::ProductFilter {
        include_hidden,
        category: category.as_deref(),
        text: text.as_deref(),
        sort: q.sort,
    };
    let (items, total) = state.store.search_products(&filter, &paging).await?;
    Ok(ProductPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total,
    })
}

/// `GET /api/products`: the catalog, filtered, searched, sorted and paginated.
#[utoipa::path(
    get,
    path = "/api/products",
    tag = "catalog",
    params(ProductQuery),
    responses(
        (status = 200, description = "One page of the catalog", body = api_types::catalog::ProductPage),
        (status = 422, description = "`validation_failed`: page or per_page out of range"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_products(
    State(state): State<AppState>,
    Query(q): Query<ProductQuery>,
) -> Result<Json<ProductPage>, OrdersError> {
    Ok(Json(search(&state, q, false).await?))
}

/// `GET /api/admin/products`: the same, hidden products included (admins).
#[utoipa::path(
    get,
    path = "/api/admin/products",
    tag = "admin",
    params(ProductQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "One page of the catalog, hidden products included", body = api_types::catalog::ProductPage),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn admin_list_products(
    State(state): State<AppState>,
    _admin: Admin,
    Query(q): Query<ProductQuery>,
) -> Result<Json<ProductPage>, OrdersError> {
    Ok(Json(search(&state, q, true).await?))
}

#[utoipa::path(
    get,
    path = "/api/products/{id}",
    tag = "catalog",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = api_types::catalog::Product),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn get_product(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Product>, OrdersError> {
    state
        .store
        .product(id, false)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("product").into())
}

#[utoipa::path(
    get,
    path = "/api/categories",
    tag = "catalog",
    responses(
        (status = 200, description = "Every category with its number of products", body = Vec<api_types::catalog::Category>),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn list_categories(
    State(state): State<AppState>,
) -> Result<Json<Vec<Category>>, OrdersError> {
    let categories = state.store.categories().await?;
    Ok(Json(categories))
}

/// Picture of products created without one.
const DEFAULT_IMAGE: &str = "/images/placeholder.svg";

/// `POST /api/products` (admins) -> 201 the product. 422 for invalid fields or an unknown
/// category.
#[utoipa::path(
    post,
    path = "/api/products",
    tag = "admin",
    request_body = api_types::catalog::NewProduct,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, description = "The new product", body = api_types::catalog::Product),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn create_product(
    State(state): State<AppState>,
    _admin: Admin,
    Json(body): Json<NewProduct>,
) -> Result<(StatusCode, Json<Product>), OrdersError> {
    let name = text("name", &body.name, 120)?;
    let description = text("description", &body.description, 2000)?;
    let price = Cents::new("price_cents", body.price_cents)?;
    let stock = Stock::new(body.stock)?;
    let image = match body.image_url.as_deref() {
        None | Some("") => DEFAULT_IMAGE.to_owned(),
        Some(url) => api_types::validate::site_path("image_url", url, 300)?,
    };
    let exists = state.store.category_exists(&body.category).await?;
    if !exists {
        return Err(Invalid {
            field: "category",
            code: api_types::validate::rule::UNKNOWN,
            reason: "is not a known category".into(),
        }
        .into());
    }
    let id = state
        .store
        .insert_product(&store::NewProduct {
            name: &name,
            description: &description,
            price_cents: price.get(),
            category: &body.category,
            stock: stock.get(),
            image_url: &image,
        })
        .await?;
    let product = state
        .store
        .product(id, true)
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    tracing::info!(product_id = id, "product created");
    Ok((StatusCode::CREATED, Json(product)))
}

/// `PATCH /api/products/{id}` (admins): price, stock, name, description, active. Past orders
/// keep the name and price they were bought at.
#[utoipa::path(
    patch,
    path = "/api/products/{id}",
    tag = "admin",
    request_body = api_types::catalog::ProductPatch,
    params(("id" = i64, Path, description = "Product id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The changed product", body = api_types::catalog::Product),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn patch_product(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<i64>,
    Json(body): Json<ProductPatch>,
) -> Result<Json<Product>, OrdersError> {
    let name = body
        .name
        .as_deref()
        .map(|n| text("name", n, 120))
        .transpose()?;
    let description = body
        .description
        .as_deref()
        .map(|d| text("description", d, 2000))
        .transpose()?;
    let price = body
        .price_cents
        .map(|p| Cents::new("price_cents", p))
        .transpose()?;
    let stock = body.stock.map(Stock::new).transpose()?;
    let changes = store::ProductChanges {
        name: name.as_deref(),
        description: description.as_deref(),
        price_cents: price.map(Cents::get),
        stock: stock.map(Stock::get),
        active: body.active,
    };
    let found = state.store.update_product(id, &changes).await?;
    if !found {
        return Err(ApiError::NotFound("product").into());
    }
    tracing::info!(product_id = id, "product changed");
    Ok(Json(
        state
            .store
            .product(id, true)
            .await?
            .ok_or(ApiError::NotFound("product"))?,
    ))
}

/// `DELETE /api/products/{id}` (admins) -> 204: the product leaves the catalog (and carts) but
/// stays in past orders.
#[utoipa::path(
    delete,
    path = "/api/products/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "Product id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Hidden from the catalog and carts; past orders keep it"),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn delete_product(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, OrdersError> {
    if !state.store.hide_product(id).await? {
        return Err(ApiError::NotFound("product").into());
    }
    tracing::info!(product_id = id, "product hidden");
    Ok(StatusCode::NO_CONTENT)
}
