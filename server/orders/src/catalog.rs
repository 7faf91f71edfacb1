//! The catalog: products and categories (public).

use crate::error::OrdersError;
use crate::AppState;
use api_types::catalog::{Category, Product, ProductPage, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use api_types::validate::Invalid;
use axum::extract::State;
use serde::Deserialize;
use shop_common::extract::{Json, Path, Query};
use shop_common::ApiError;
use sqlx::{Row, SqliteExecutor};

/// Query of `GET /api/products`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    category: Option<String>,
}

const PRODUCT_COLUMNS: &str =
    "id, name, description, price_cents, currency, category_id, stock, image_url";

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
    })
}

/// An active product by id.
pub(crate) async fn find_product(
    db: impl SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ? AND active = 1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db).await?;
    row.as_ref().map(product_from_row).transpose()
}

#[tracing::instrument(skip_all)]
pub(crate) async fn list_products(
    State(state): State<AppState>,
    Query(q): Query<ProductQuery>,
) -> Result<Json<ProductPage>, OrdersError> {
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(Invalid {
            field: "page",
            reason: "must be 1 or more".into(),
        }
        .into());
    }
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Invalid {
            field: "per_page",
            reason: format!("must be from 1 to {MAX_PER_PAGE}"),
        }
        .into());
    }
    let category = q.category.filter(|c| !c.is_empty());
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM products WHERE active = 1 AND (?1 IS NULL OR category_id = ?1)",
    )
    .bind(&category)
    .fetch_one(&state.db)
    .await?;
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE active = 1 AND (?1 IS NULL OR category_id = ?1)
         ORDER BY id LIMIT ?2 OFFSET ?3"
    );
    let rows = sqlx::query(&sql)
        .bind(&category)
        .bind(i64::from(per_page))
        .bind(i64::from(page - 1) * i64::from(per_page))
        .fetch_all(&state.db)
        .await?;
    let items = rows
        .iter()
        .map(product_from_row)
        .collect::<Result<_, _>>()?;
    Ok(Json(ProductPage {
        items,
        page,
        per_page,
        total: total.max(0) as u64,
    }))
}

#[tracing::instrument(skip_all)]
pub(crate) async fn get_product(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Product>, OrdersError> {
    find_product(&state.db, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("product").into())
}

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
