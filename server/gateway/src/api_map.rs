//! What the gateway knows of the services' routes: each service's OpenAPI document, fetched
//! from one of its upstreams (`GET /api/openapi.json`) at start and again whenever an upstream
//! comes back up, so a route a service adds is known without editing the gateway.
//!
//! The documents decide the gateway's 405 answers (with `Allow`) and which routes it refuses
//! without a valid access token (401) before forwarding; merged with the gateway's own part
//! ([`crate::docs`]), they are the document the gateway serves. While a service's document is
//! unknown its requests are forwarded as they are, and the service, which verifies tokens
//! itself, decides.

use crate::routes::{Lookup, RouteTable, Service};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use utoipa::openapi::OpenApi;

/// One service's document and the route table read from it.
struct Part {
    document: OpenApi,
    routes: RouteTable,
}

/// The services' documents, and the merged document once every part is known.
#[derive(Default)]
pub(crate) struct ApiMap {
    auth: RwLock<Option<Arc<Part>>>,
    orders: RwLock<Option<Arc<Part>>>,
    /// The serialized merged document, built on first request after a part changed.
    merged: RwLock<Option<Arc<str>>>,
}

fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(|p| p.into_inner()).clone()
}

fn write<T>(lock: &RwLock<T>, value: T) {
    *lock.write().unwrap_or_else(|p| p.into_inner()) = value;
}

impl ApiMap {
    fn slot(&self, service: Service) -> &RwLock<Option<Arc<Part>>> {
        match service {
            Service::Auth => &self.auth,
            Service::Orders => &self.orders,
        }
    }

    /// What `service`'s document says of `method` on `path` ([`Lookup::Unknown`] while the
    /// document itself is unknown).
    pub(crate) fn lookup(
        &self,
        service: Service,
        method: &axum::http::Method,
        path: &str,
    ) -> Lookup {
        read(self.slot(service)).map_or(Lookup::Unknown, |part| part.routes.lookup(method, path))
    }

    /// Whether `service`'s document is known.
    pub(crate) fn knows(&self, service: Service) -> bool {
        read(self.slot(service)).is_some()
    }

    /// Keeps `document` as `service`'s part.
    pub(crate) fn learn(&self, service: Service, document: OpenApi) {
        let routes = RouteTable::from_openapi(&document);
        write(
            self.slot(service),
            Some(Arc::new(Part { document, routes })),
        );
        write(&self.merged, None);
    }

    /// The whole document as JSON, or `None` while a service's part is unknown (a partial
    /// document would silently lack routes).
    pub(crate) fn merged(&self) -> Option<Arc<str>> {
        if let Some(json) = read(&self.merged) {
            return Some(json);
        }
        let auth = read(&self.auth)?;
        let orders = read(&self.orders)?;
        let document = crate::docs::document([auth.document.clone(), orders.document.clone()]);
        let json: Arc<str> = serde_json::to_string(&document).ok()?.into();
        write(&self.merged, Some(json.clone()));
        Some(json)
    }

    /// Fetches `service`'s document from the upstream at `base_url` and keeps it.
    ///
    /// # Errors
    /// A short reason when the upstream cannot be reached or its answer is not a document.
    pub(crate) async fn fetch(
        &self,
        client: &reqwest::Client,
        service: Service,
        base_url: &str,
    ) -> Result<(), String> {
        let url = format!("{base_url}{}", shop_common::document::PATH);
        let answer = client
            .get(url)
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| crate::upstream::describe(e.is_timeout(), e.is_connect()))?;
        if !answer.status().is_success() {
            return Err(format!("its document answered {}", answer.status()));
        }
        let document: OpenApi = answer
            .json()
            .await
            .map_err(|e| format!("its document could not be read: {e}"))?;
        self.learn(service, document);
        tracing::info!(
            service = service.name(),
            upstream = base_url,
            "routes learned"
        );
        Ok(())
    }
}
