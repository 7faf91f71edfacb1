//! The black-box tests of the shop's API, as one test binary (one link of the whole stack
//! instead of one per file): real servers on port 0, a fresh database per test, real HTTP.
//! Starting servers and the typed client are in the `test-support` crate.
//!
//! Run one module with `cargo test -p system-tests --test api tokens::`.

mod auth;
mod codes;
mod gateway;
mod lifecycle;
mod observability;
mod openapi;
mod orders;
mod protection;
mod replicas;
mod resilience;
mod tokens;
mod topology;
mod users;
