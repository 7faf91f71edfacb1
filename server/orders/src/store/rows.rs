//! What both SQL engines share in reading orders: a stored status, and a page of orders that
//! the engine itself put together as JSON (lines and timelines included, one row for the whole
//! page, see each engine's `ORDERS_JSON`).

use api_types::orders::{Order, OrderStatus};

/// A stored status.
///
/// # Errors
/// A status the service does not know (a corrupt row).
pub(crate) fn parse_status(s: &str) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("unknown status {s}").into()))
}

/// The orders of a JSON array in the shape of [`Order`], as an engine's `ORDERS_JSON` builds
/// it; serde checks every field (an unknown status is refused).
///
/// # Errors
/// `Decode` when it is not such an array (a corrupt row).
pub(crate) fn orders_from_json(json: &str) -> Result<Vec<Order>, sqlx::Error> {
    serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(e.into()))
}
