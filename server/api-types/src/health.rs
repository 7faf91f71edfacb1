//! The gateway's readiness report, `GET /health/ready`, as far as the app reads it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The readiness report: overall status and, per service, whether any upstream can be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadyReport {
    /// `ok`, `degraded` (some services cannot be reached), or `unavailable`.
    pub status: String,
    /// By service name (`auth`, `orders`).
    pub services: BTreeMap<String, ServiceReady>,
}

/// One service in [`ReadyReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceReady {
    /// Whether the gateway can reach at least one of its upstreams.
    pub available: bool,
}

impl ReadyReport {
    /// Whether `service` can be reached (unknown services count as reachable).
    pub fn is_available(&self, service: &str) -> bool {
        self.services.get(service).is_none_or(|s| s.available)
    }
}
