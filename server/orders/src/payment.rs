//! The simulated payment provider, behind a timeout and a circuit breaker.
//!
//! The provider approves a share of charges (`SHOP_PAYMENT_SUCCESS_RATE`) after a latency
//! (`SHOP_PAYMENT_LATENCY_MS`), and fails every call during an outage (`SHOP_PAYMENT_OUTAGE`).
//! Each call is bounded by `SHOP_PAYMENT_TIMEOUT_MS`. A decline is an answer, not a failure;
//! timeouts and outages are failures, and after `SHOP_PAYMENT_BREAKER_FAILURES` of them in a
//! row the circuit breaker (the `failsafe` crate) opens for `SHOP_PAYMENT_BREAKER_OPEN_SECS`:
//! checkout then answers at once with 503 `payment_unavailable` without calling the provider.

use failsafe::futures::CircuitBreaker as _;
use failsafe::{backoff, failure_policy, StateMachine};
use rand::Rng;
use std::time::Duration;

/// What the provider answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    Approved,
    Declined,
}

/// Why no answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The provider failed (outage).
    #[error("payment provider failed")]
    ProviderFailed,
    /// The provider did not answer within the timeout.
    #[error("payment provider timed out")]
    TimedOut,
    /// The circuit breaker is open: the provider was not called.
    #[error("payment circuit breaker open")]
    BreakerOpen,
}

/// Settings of the simulated provider and its breaker.
#[derive(Debug, Clone, Copy)]
pub struct PaymentSettings {
    /// Share of charges approved, 0.0 to 1.0.
    pub success_rate: f64,
    /// Time the provider takes to answer.
    pub latency: Duration,
    /// Whether every call fails.
    pub outage: bool,
    /// Longest wait for an answer.
    pub timeout: Duration,
    /// Failures in a row that open the breaker.
    pub breaker_failures: u32,
    /// How long the breaker stays open before letting a trial call through.
    pub breaker_open: Duration,
}

type Breaker = StateMachine<failure_policy::ConsecutiveFailures<backoff::Constant>, ()>;

/// The provider with its timeout and circuit breaker.
pub struct PaymentProvider {
    settings: PaymentSettings,
    breaker: Breaker,
}

impl std::fmt::Debug for PaymentProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentProvider")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl PaymentProvider {
    /// A provider with these settings; `success_rate` is clamped to 0.0..=1.0.
    pub fn new(mut settings: PaymentSettings) -> Self {
        settings.success_rate = settings.success_rate.clamp(0.0, 1.0);
        let policy = failure_policy::consecutive_failures(
            settings.breaker_failures.max(1),
            backoff::constant(settings.breaker_open),
        );
        let breaker = failsafe::Config::new().failure_policy(policy).build();
        Self { settings, breaker }
    }

    /// Whether a call would be let through now (the breaker is closed or half-open).
    pub fn is_available(&self) -> bool {
        self.breaker.is_call_permitted()
    }

    /// Seconds a client should wait before retrying while the breaker is open.
    pub fn retry_after_secs(&self) -> u64 {
        self.settings.breaker_open.as_secs().max(1)
    }

    /// Charges `amount_cents`.
    ///
    /// # Errors
    /// [`PaymentError`] when the provider failed, timed out, or the breaker is open.
    pub async fn charge(&self, amount_cents: i64) -> Result<PaymentOutcome, PaymentError> {
        let s = self.settings;
        let call = async move {
            match tokio::time::timeout(s.timeout, simulate(s, amount_cents)).await {
                Ok(answer) => answer,
                Err(_) => Err(PaymentError::TimedOut),
            }
        };
        let result = match self.breaker.call(call).await {
            Ok(outcome) => Ok(outcome),
            Err(failsafe::Error::Inner(e)) => Err(e),
            Err(failsafe::Error::Rejected) => Err(PaymentError::BreakerOpen),
        };
        let outcome = match result {
            Ok(PaymentOutcome::Approved) => "approved",
            Ok(PaymentOutcome::Declined) => "declined",
            Err(PaymentError::ProviderFailed) => "failed",
            Err(PaymentError::TimedOut) => "timed_out",
            Err(PaymentError::BreakerOpen) => "breaker_open",
        };
        metrics::counter!("payments_total", "outcome" => outcome).increment(1);
        metrics::gauge!("payment_breaker_open").set(if self.is_available() { 0.0 } else { 1.0 });
        tracing::info!(amount_cents, outcome, "payment");
        result
    }
}

async fn simulate(s: PaymentSettings, _amount_cents: i64) -> Result<PaymentOutcome, PaymentError> {
    if !s.latency.is_zero() {
        tokio::time::sleep(s.latency).await;
    }
    if s.outage {
        return Err(PaymentError::ProviderFailed);
    }
    if rand::thread_rng().gen_bool(s.success_rate) {
        Ok(PaymentOutcome::Approved)
    } else {
        Ok(PaymentOutcome::Declined)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PaymentSettings {
        PaymentSettings {
            success_rate: 1.0,
            latency: Duration::ZERO,
            outage: false,
            timeout: Duration::from_secs(5),
            breaker_failures: 3,
            breaker_open: Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn rates_of_one_and_zero_always_approve_and_always_decline() {
        let yes = PaymentProvider::new(settings());
        let no = PaymentProvider::new(PaymentSettings {
            success_rate: 0.0,
            ..settings()
        });
        for _ in 0..100 {
            assert_eq!(yes.charge(100).await, Ok(PaymentOutcome::Approved));
            assert_eq!(no.charge(100).await, Ok(PaymentOutcome::Declined));
        }
        assert!(no.is_available(), "declines do not open the breaker");
    }

    #[tokio::test]
    async fn repeated_failures_open_the_breaker() {
        let p = PaymentProvider::new(PaymentSettings {
            outage: true,
            ..settings()
        });
        for _ in 0..3 {
            assert_eq!(p.charge(100).await, Err(PaymentError::ProviderFailed));
        }
        assert!(!p.is_available());
        assert_eq!(p.charge(100).await, Err(PaymentError::BreakerOpen));
    }

    #[tokio::test]
    async fn a_slow_provider_times_out() {
        let p = PaymentProvider::new(PaymentSettings {
            latency: Duration::from_secs(30),
            timeout: Duration::from_millis(20),
            ..settings()
        });
        assert_eq!(p.charge(100).await, Err(PaymentError::TimedOut));
    }
}
