//! The catalog: products and categories. Reading is public; changing needs an admin token.

use crate::error::OrdersError;
use crate::AppState;
use api_types::catalog::{Category, NewProduct, Product, ProductPage, ProductPatch, ProductSort};
use api_types::validate::{text, Cents, Invalid, Stock};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shop_common::extract::{Admin, Json, Path, Query};
use shop_common::paging::Paging;
use shop_common::ApiError;
use sqlx::{Row, SqliteExecutor};

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

const PRODUCT_COLUMNS: &str =
    "id, name, description, price_cents, currency, category_id, stock, image_url, active";

pub(crate) fn product_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Product, sqlx::Error> {
    Ok(Product {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        price_cents: row.try_get("price_cents")?,
        currency: row.try_get("currency")?,
        category: row.try_get("category_id")?,
        stock: row.try_get("stock")?,
        image_url: row.try_get("image_url")?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

/// A product by id; hidden ones only with `include_hidden`.
pub(crate) async fn find_product(
    db: impl SqliteExecutor<'_>,
    id: i64,
    include_hidden: bool,
) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ? AND (active = 1 OR ?)");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(include_hidden)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(product_from_row).transpose()
}

fn order_by(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Featured => "id",
        ProductSort::NameAsc => "name COLLATE NOCASE, id",
        ProductSort::NameDesc => "name COLLATE NOCASE DESC, id",
        ProductSort::PriceAsc => "price_cents, id",
        ProductSort::PriceDesc => "price_cents DESC, id",
    }
}

/// `%text%` for `LIKE … ESCAPE '\'`, with the text's own wildcards escaped.
fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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
    let pattern = text.as_deref().map(like_pattern);
    let filter = "(active = 1 OR ?1) AND (?2 IS NULL OR category_id = ?2)
         AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\' OR description LIKE ?3 ESCAPE '\\')";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM products WHERE {filter}"))
        .bind(include_hidden)
        .bind(&category)
        .bind(&pattern)
        .fetch_one(&state.db)
        .await?;
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE {filter} ORDER BY {} LIMIT ?4 OFFSET ?5",
        order_by(q.sort)
    );
    let rows = sqlx::query(&sql)
        .bind(include_hidden)
        .bind(&category)
        .bind(&pattern)
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_all(&state.db)
        .await?;
    let items = rows
        .iter()
        .map(product_from_row)
        .collect::<Result<_, _>>()?;
    Ok(ProductPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total: total.max(0) as u64,
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
    find_product(&state.db, id, false)
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
    let rows = sqlx::query(
        "SELECT c.id, c.name, COUNT(p.id) AS product_count
         FROM categories c LEFT JOIN products p ON p.category_id = c.id AND p.active = 1
         GROUP BY c.id, c.name ORDER BY c.name",
    )
    .fetch_all(&state.db)
    .await?;
    let categories = rows
        .iter()
        .map(|r| {
            Ok(Category {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                product_count: r.try_get::<i64, _>("product_count")?.max(0) as u64,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
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
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM categories WHERE id = ?")
        .bind(&body.category)
        .fetch_optional(&state.db)
        .await?;
    if exists.is_none() {
        return Err(Invalid {
            field: "category",
            reason: "is not a known category".into(),
        }
        .into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (name, description, price_cents, category_id, stock, image_url)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(description)
    .bind(price.get())
    .bind(&body.category)
    .bind(stock.get())
    .bind(image)
    .fetch_one(&state.db)
    .await?;
    let product = find_product(&state.db, id, true)
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
    let done = sqlx::query(
        "UPDATE products SET name = COALESCE(?, name), description = COALESCE(?, description),
             price_cents = COALESCE(?, price_cents), stock = COALESCE(?, stock),
             active = COALESCE(?, active)
         WHERE id = ?",
    )
    .bind(name)
    .bind(description)
    .bind(price.map(Cents::get))
    .bind(stock.map(Stock::get))
    .bind(body.active)
    .bind(id)
    .execute(&state.db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound("product").into());
    }
    tracing::info!(product_id = id, "product changed");
    Ok(Json(
        find_product(&state.db, id, true)
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
    let done = sqlx::query("UPDATE products SET active = 0 WHERE id = ?")
        .bind(id)
        .execute(&state.db)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound("product").into());
    }
    tracing::info!(product_id = id, "product hidden");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_cannot_inject_wildcards() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
