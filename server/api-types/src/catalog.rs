//! The catalog: `/api/products`, `/api/categories`.

use serde::{Deserialize, Serialize};

/// A product of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Unit price in cents of `currency`.
    pub price_cents: i64,
    /// ISO 4217 currency code, e.g. `EUR`.
    pub currency: String,
    /// Category id (slug), e.g. `coffee`.
    pub category: String,
    /// Units in stock.
    pub stock: i64,
    /// Site-relative URL of the product picture, e.g. `/images/espresso-beans.svg`.
    pub image_url: String,
}

/// One page of products: `GET /api/products?page=&per_page=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub items: Vec<Product>,
    /// 1-based page number.
    pub page: u32,
    /// Page size, 1 to [`MAX_PER_PAGE`].
    pub per_page: u32,
    /// Number of products matching, over all pages.
    pub total: u64,
}

/// Largest accepted `per_page`.
pub const MAX_PER_PAGE: u32 = 100;
/// `per_page` when none is given.
pub const DEFAULT_PER_PAGE: u32 = 20;

/// A product category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Slug, e.g. `coffee`; products name it in `category`.
    pub id: String,
    pub name: String,
    /// Number of products in the category.
    pub product_count: u64,
}
