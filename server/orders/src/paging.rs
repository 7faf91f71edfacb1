//! Page and page size of list endpoints.

use api_types::catalog::{DEFAULT_PER_PAGE, MAX_PER_PAGE};
use api_types::validate::Invalid;

/// A validated page request: `page` from 1, `per_page` from 1 to [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    /// # Errors
    /// [`Invalid`] naming `page` or `per_page`.
    pub(crate) fn new(page: Option<u32>, per_page: Option<u32>) -> Result<Self, Invalid> {
        let page = page.unwrap_or(1);
        if page == 0 {
            return Err(Invalid {
                field: "page",
                reason: "must be 1 or more".into(),
            });
        }
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(Invalid {
                field: "per_page",
                reason: format!("must be from 1 to {MAX_PER_PAGE}"),
            });
        }
        Ok(Self { page, per_page })
    }

    /// SQL `LIMIT`.
    pub(crate) fn limit(self) -> i64 {
        i64::from(self.per_page)
    }

    /// SQL `OFFSET`.
    pub(crate) fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}
