//! The catalog's SQL: products (searched, sorted, paged; hidden ones only for admins) and
//! categories.

use crate::store::{NewProduct, ProductChanges, ProductFilter};
use api_types::catalog::{Category, Product, ProductSort};
use shop_common::paging::Paging;
use sqlx::{Row, SqliteExecutor, SqlitePool};

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

/// One page of the products `filter` selects, and how many it selects in all.
pub(crate) async fn search_products(
    db: &SqlitePool,
    filter: &ProductFilter<'_>,
    paging: &Paging,
) -> Result<(Vec<Product>, u64), sqlx::Error> {
    let pattern = filter.text.map(crate::store::like_pattern);
    let condition = "(active = 1 OR ?1) AND (?2 IS NULL OR category_id = ?2)
         AND (?3 IS NULL OR name LIKE ?3 ESCAPE '\\' OR description LIKE ?3 ESCAPE '\\')";
    let total: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM products WHERE {condition}"))
            .bind(filter.include_hidden)
            .bind(filter.category)
            .bind(&pattern)
            .fetch_one(db)
            .await?;
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE {condition} ORDER BY {} LIMIT ?4 OFFSET ?5",
        order_by(filter.sort)
    );
    let rows = sqlx::query(&sql)
        .bind(filter.include_hidden)
        .bind(filter.category)
        .bind(&pattern)
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_all(db)
        .await?;
    let items = rows
        .iter()
        .map(product_from_row)
        .collect::<Result<_, _>>()?;
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

/// Every category with its number of visible products, by name.
pub(crate) async fn categories(db: &SqlitePool) -> Result<Vec<Category>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, COUNT(p.id) AS product_count
         FROM categories c LEFT JOIN products p ON p.category_id = c.id AND p.active = 1
         GROUP BY c.id, c.name ORDER BY c.name",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Category {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                product_count: u64::try_from(r.try_get::<i64, _>("product_count")?).unwrap_or(0),
            })
        })
        .collect()
}

/// Whether the category `id` exists.
pub(crate) async fn category_exists(db: &SqlitePool, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM categories WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(found.is_some())
}

/// Inserts `product` (visible); returns its id.
pub(crate) async fn insert_product(
    db: &SqlitePool,
    product: &NewProduct<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO products (name, description, price_cents, category_id, stock, image_url)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(product.name)
    .bind(product.description)
    .bind(product.price_cents)
    .bind(product.category)
    .bind(product.stock)
    .bind(product.image_url)
    .fetch_one(db)
    .await
}

/// Applies `changes` to product `id`; `false` when there is no such product.
pub(crate) async fn update_product(
    db: &SqlitePool,
    id: i64,
    changes: &ProductChanges<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE products SET name = COALESCE(?, name), description = COALESCE(?, description),
             price_cents = COALESCE(?, price_cents), stock = COALESCE(?, stock),
             active = COALESCE(?, active)
         WHERE id = ?",
    )
    .bind(changes.name)
    .bind(changes.description)
    .bind(changes.price_cents)
    .bind(changes.stock)
    .bind(changes.active)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Hides product `id` from the catalog (past orders keep it); `false` when there is none.
pub(crate) async fn hide_product(db: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE products SET active = 0 WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}
