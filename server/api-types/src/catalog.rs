//! The catalog: `/api/products`, `/api/categories`.

use serde::{Deserialize, Serialize};

/// A product of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Whether the product is in the catalog; hidden ones stay in past orders.
    pub active: bool,
}

/// One page of products: `GET /api/products?category=&q=&sort=&page=&per_page=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// Slug, e.g. `coffee`; products name it in `category`.
    pub id: String,
    pub name: String,
    /// Number of products in the category.
    pub product_count: u64,
}

/// Orders of `GET /api/products?sort=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductSort {
    /// Catalog order (by id).
    #[default]
    Featured,
    NameAsc,
    NameDesc,
    PriceAsc,
    PriceDesc,
}

impl ProductSort {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProductSort::Featured => "featured",
            ProductSort::NameAsc => "name_asc",
            ProductSort::NameDesc => "name_desc",
            ProductSort::PriceAsc => "price_asc",
            ProductSort::PriceDesc => "price_desc",
        }
    }
}

/// `POST /api/products` body (admins). Amounts in cents; the currency is the catalog's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"
        )
    )]
    pub name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"
        )
    )]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    #[serde(deserialize_with = "crate::whole::number")]
    pub price_cents: i64,
    /// A category id (`GET /api/categories`).
    pub category: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    #[serde(deserialize_with = "crate::whole::number")]
    pub stock: i64,
    /// A path on this site, e.g. `/images/mug.svg`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = "^[\\t\\n\\f\\r ]*(/[A-Za-z0-9._~%-]+)*/?[\\t\\n\\f\\r ]*$"
        )
    )]
    pub image_url: Option<String>,
}

/// `PATCH /api/products/{id}` body (admins): only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"
        )
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"
        )
    )]
    pub description: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::optional"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10_000_000))]
    pub price_cents: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::optional"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1_000_000))]
    pub stock: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}
