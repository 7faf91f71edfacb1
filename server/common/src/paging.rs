//! Page and page size of list endpoints.

use api_types::catalog::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use api_types::validate::Invalid;

/// Largest page number (the OpenAPI document declares `page` an int32).
pub const MAX_PAGE: u32 = i32::MAX as u32;

/// A validated page request: `page` from 1 to [`MAX_PAGE`], `per_page` from 1 to
/// [`MAX_PER_PAGE`] (default [`DEFAULT_PER_PAGE`]).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// From 1.
    pub page: u32,
    /// Items per page.
    pub per_page: u32,
}

impl Paging {
    /// # Errors
    /// [`Invalid`] naming `page` or `per_page`.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Result<Self, Invalid> {
        let page = page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(Invalid {
                field: "page",
                code: api_types::validate::rule::RANGE,
                reason: format!("must be from 1 to {MAX_PAGE}"),
            });
        }
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Invalid {
                field: "per_page",
                code: api_types::validate::rule::RANGE,
                reason: format!("must be from 1 to {MAX_PER_PAGE}"),
            });
        }
        Ok(Self { page, per_page })
    }

    /// SQL `LIMIT`.
    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// SQL `OFFSET`.
    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}
