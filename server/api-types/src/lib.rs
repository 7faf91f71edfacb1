//! Wire types of the shop's JSON API, shared by the browser app (compiled to wasm) and the
//! services, plus the validated input types both sides use.
//!
//! Every price is an integer number of cents (`*_cents`, `i64`) in the currency named beside it
//! (ISO 4217 code). Times are RFC 3339 strings in UTC. Errors are RFC 9457 problem details
//! ([`Problem`]) with a stable machine-readable `code`.

pub mod auth;
pub mod catalog;
pub mod health;
pub mod orders;
mod problem;
pub mod site;
pub mod validate;
pub mod whole;

pub use problem::{FieldError, Problem};
