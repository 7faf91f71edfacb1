//! The app's own words for what went wrong, in the current language: one sentence per problem
//! `code` the API can send (the API's `detail` is English and written for developers too), and
//! one per broken rule of a form's field (a 422 problem's `errors` member).
//!
//! Every message is named literally here, so the compile-time translation check sees each one;
//! a system test checks that every code the services send has its arm below.

use api_types::Problem;
use leptos_fluent::tr;

/// A sentence for a person about `problem` (reactive: follows the language). A code this
/// version does not know (a newer server) gets a general sentence naming its code.
pub(crate) fn problem_text(problem: &Problem) -> String {
    match problem.code.as_str() {
        "bad_gateway" | "service_unavailable" | "upstream_timeout" => tr!("problem-unavailable"),
        "busy" | "database_unavailable" | "keys_unavailable" => tr!("problem-busy"),
        "checkout_in_progress" | "idempotency_key_in_use" => tr!("problem-checkout_in_progress"),
        "cross_site_request" => tr!("problem-cross_site_request"),
        "empty_cart" => tr!("problem-empty_cart"),
        "empty_order" => tr!("problem-empty_order"),
        "forbidden" => tr!("problem-forbidden"),
        "idempotency_key_required" | "idempotency_key_reused" => tr!("problem-idempotency"),
        "internal" | "http_error" => tr!("problem-internal"),
        "invalid_body"
        | "invalid_query"
        | "malformed_json"
        | "unsupported_media_type"
        | "unsafe_path"
        | "method_not_allowed" => tr!("problem-bad_request"),
        "invalid_credentials" => tr!("problem-invalid_credentials"),
        "invalid_refresh_token" | "unauthorized" => tr!("problem-signed_out"),
        "invalid_transition" => tr!("problem-invalid_transition"),
        "last_admin" => tr!("problem-last_admin"),
        "not_found" => tr!("problem-not_found"),
        "out_of_stock" => tr!("problem-out_of_stock"),
        "payload_too_large" => tr!("problem-payload_too_large"),
        "payment_declined" => tr!("problem-payment_declined"),
        "payment_unavailable" => tr!("problem-payment_unavailable"),
        "rate_limited" => tr!("problem-rate_limited"),
        "too_many_attempts" => tr!("problem-too_many_attempts"),
        "too_many_streams" => tr!("problem-too_many_streams"),
        "unknown_product" => tr!("problem-unknown_product"),
        "username_taken" => tr!("problem-username_taken"),
        "validation_failed" => tr!("problem-validation_failed"),
        "wrong_password" => tr!("problem-wrong_password"),
        "price_or_stock" => tr!("problem-price_or_stock"),
        other => tr!("problem-other", { "code" => other.to_owned() }),
    }
}

/// What to tell a person whose `field` broke rule `code` (an [`api_types::FieldError`]),
/// in the current language (reactive).
pub(crate) fn field_text(field: &str, code: &str) -> String {
    match (field, code) {
        ("username", "length") => tr!("field-username-length"),
        ("username", "characters") => tr!("field-username-characters"),
        ("username", "start") => tr!("field-username-start"),
        ("password" | "new_password", "length") => tr!("field-password-length"),
        ("password" | "new_password", "common_password") => tr!("field-password-common"),
        ("email", _) => tr!("field-email-format"),
        (_, "length") => tr!("field-length"),
        (_, "range") => tr!("field-range"),
        (_, "control_characters") => tr!("field-control_characters"),
        (_, "unknown") => tr!("field-unknown"),
        _ => tr!("field-other"),
    }
}
