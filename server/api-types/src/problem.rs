use serde::{Deserialize, Serialize};

/// An RFC 9457 problem details body (`application/problem+json`).
///
/// `code` is this API's stable, machine-readable error code (e.g. `out_of_stock`); clients
/// branch on it, never on `title` or `detail`, which are for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the problem type (RFC 9457 §3.1.1): `urn:shop:problem:{code}`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code of the response.
    pub status: u16,
    /// Human-readable explanation of this occurrence, safe to show to a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable error code.
    pub code: String,
    /// Extension member (RFC 9457 §3.2): the order a `payment_declined` problem is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<i64>,
}

impl Problem {
    /// Media type of a problem details body (RFC 9457 §3).
    pub const CONTENT_TYPE: &'static str = "application/problem+json";

    /// Builds a problem with `type` derived from `code`.
    pub fn new(status: u16, code: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            type_uri: format!("urn:shop:problem:{code}"),
            title: title.to_owned(),
            status,
            detail,
            code: code.to_owned(),
            order_id: None,
        }
    }

    /// The text to show a person: the detail if there is one, else the title.
    pub fn message(&self) -> &str {
        self.detail.as_deref().unwrap_or(&self.title)
    }
}
