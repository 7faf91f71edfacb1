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
    /// Extension member (RFC 9457 §3.2) of a 422 `validation_failed` problem: each input that
    /// broke a rule, so that a client can show the reason next to the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// One input of a request that broke a rule: `{"field": "username", "code": "characters"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The input's name as sent (`username`, `price_cents`, `page`).
    pub field: String,
    /// The rule broken, stable: `length`, `characters`, `start`, `format`, `range`,
    /// `control_characters`, `unknown`, `common_password` (see `validate::rule`).
    pub code: String,
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
            errors: None,
        }
    }

    /// The 422 `validation_failed` problem for `invalid`, with its `errors` member.
    pub fn invalid(invalid: &crate::validate::Invalid) -> Self {
        Self {
            errors: Some(vec![FieldError {
                field: invalid.field.to_owned(),
                code: invalid.code.to_owned(),
            }]),
            ..Self::new(
                422,
                "validation_failed",
                "Unprocessable Entity",
                Some(invalid.to_string()),
            )
        }
    }

    /// The rule `field` broke, when this problem names it in `errors`.
    pub fn field_error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .flatten()
            .find(|e| e.field == field)
            .map(|e| e.code.as_str())
    }

    /// The text to show a person: the detail if there is one, else the title.
    pub fn message(&self) -> &str {
        self.detail.as_deref().unwrap_or(&self.title)
    }
}
