//! The orders service's SQL, by aggregate: [`catalog`], [`cart`], [`orders`], and the
//! checkout's transactions ([`checkout`]). Handlers and the domain call these functions and
//! never write SQL; the PostgreSQL issue turns this boundary into one trait per aggregate.

pub(crate) mod cart;
pub(crate) mod catalog;
pub(crate) mod checkout;
pub(crate) mod orders;
