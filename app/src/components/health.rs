//! Which services are up, from the gateway's readiness report, and the banner that says so.
//! Controls that cannot work while a service is down are disabled, nothing else.

use crate::api::PublicApi;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often the report is fetched.
const POLL_EVERY: Duration = Duration::from_secs(10);

/// Whether the auth and orders services can be reached (both assumed up until told otherwise).
#[derive(Clone, Copy)]
pub(crate) struct ServiceHealth {
    auth: RwSignal<bool>,
    orders: RwSignal<bool>,
}

impl ServiceHealth {
    /// Starts polling `/health/ready`.
    pub(crate) fn start() -> Self {
        let health = Self {
            auth: RwSignal::new(true),
            orders: RwSignal::new(true),
        };
        health.refresh();
        set_interval(move || health.refresh(), POLL_EVERY);
        health
    }

    /// Fetches the report now.
    pub(crate) fn refresh(self) {
        spawn_local(async move {
            // No answer at all: the gateway itself is down; the calls' own errors say so.
            if let Ok(report) = PublicApi.health().await {
                self.auth.set(report.is_available("auth"));
                self.orders.set(report.is_available("orders"));
            }
        });
    }

    /// Sign-in, registration and sessions work (reactive).
    pub(crate) fn auth_up(&self) -> bool {
        self.auth.get()
    }

    /// Catalog, cart and orders work (reactive).
    pub(crate) fn orders_up(&self) -> bool {
        self.orders.get()
    }
}

/// The health from context (provided by [`crate::App`]).
pub(crate) fn use_health() -> ServiceHealth {
    expect_context::<ServiceHealth>()
}

/// The degraded-service banner.
#[component]
pub(crate) fn DegradedBanner() -> impl IntoView {
    let health = use_health();
    move || {
        let mut notes = Vec::new();
        if !health.orders_up() {
            notes.push(leptos_fluent::tr!("banner-orders-down"));
        }
        if !health.auth_up() {
            notes.push(leptos_fluent::tr!("banner-auth-down"));
        }
        (!notes.is_empty()).then(|| {
            view! {
                <div class="banner" role="alert">
                    {notes.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                </div>
            }
        })
    }
}
