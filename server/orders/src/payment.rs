//! The simulated payment provider. It approves a share of charges given by
//! `SHOP_PAYMENT_SUCCESS_RATE` and declines the rest, at random.

use rand::Rng;

/// What the provider answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    Approved,
    Declined,
}

/// A simulated card payment provider.
#[derive(Debug)]
pub struct PaymentProvider {
    success_rate: f64,
}

impl PaymentProvider {
    /// `success_rate` is clamped to 0.0..=1.0.
    pub fn new(success_rate: f64) -> Self {
        Self {
            success_rate: success_rate.clamp(0.0, 1.0),
        }
    }

    /// Charges `amount_cents`; approves with probability `success_rate`.
    pub async fn charge(&self, amount_cents: i64) -> PaymentOutcome {
        let approved = rand::thread_rng().gen_bool(self.success_rate);
        tracing::info!(amount_cents, approved, "simulated payment");
        if approved {
            PaymentOutcome::Approved
        } else {
            PaymentOutcome::Declined
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn rates_of_one_and_zero_always_approve_and_always_decline() {
        for _ in 0..100 {
            assert_eq!(
                PaymentProvider::new(1.0).charge(100).await,
                PaymentOutcome::Approved
            );
            assert_eq!(
                PaymentProvider::new(0.0).charge(100).await,
                PaymentOutcome::Declined
            );
        }
    }
}
