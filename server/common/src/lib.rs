//! Plumbing shared by the shop's three servers (gateway, auth, orders), so that no rule is
//! written twice: RFC 9457 problem responses and the extractors that produce them, access-token
//! issuing and verification, SQLite set-up, health checks, tracing and graceful serving.

pub mod client;
pub mod config;
pub mod db;
pub mod document;
pub mod extract;
pub mod health;
pub mod internal;
pub mod jwks;
pub mod keys;
pub mod metrics;
pub mod paging;
pub mod problem;
pub mod revocations;
pub mod secret_file;
pub mod serve;
pub mod store;
pub mod telemetry;
pub mod token;

pub use problem::ApiError;
