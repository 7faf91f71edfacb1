//! The order lifecycle as the orders service applies it: the table of which status may follow
//! which, and who may make the move, is `api_types::orders::TRANSITIONS` (the app reads the same
//! one); this module says who may make a move and which moves restock; the store
//! ([`crate::store::orders`]) records them.

pub(crate) use api_types::orders::Actor;
use api_types::orders::OrderStatus::{self, *};

/// Whether `actor` may move an order from `from` to `to` (the table is
/// [`api_types::orders::TRANSITIONS`], shared with the app).
pub(crate) fn allowed(from: OrderStatus, to: OrderStatus, actor: Actor) -> bool {
    from.may_move_to(to, actor)
}

/// Whether a move puts the order's stock back.
pub(crate) fn restocks(to: OrderStatus) -> bool {
    matches!(to, Cancelled | PaymentFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_may_only_cancel_before_shipping() {
        assert!(allowed(Paid, Cancelled, Actor::Owner));
        assert!(allowed(Preparing, Cancelled, Actor::Owner));
        assert!(!allowed(Shipped, Cancelled, Actor::Owner));
        assert!(!allowed(Paid, Preparing, Actor::Owner));
    }

    #[test]
    fn admins_move_orders_forward_one_step_at_a_time() {
        assert!(allowed(Paid, Preparing, Actor::Admin));
        assert!(allowed(Preparing, Shipped, Actor::Admin));
        assert!(allowed(Shipped, Delivered, Actor::Admin));
        assert!(!allowed(Paid, Shipped, Actor::Admin));
        assert!(!allowed(Delivered, Shipped, Actor::Admin));
        assert!(!allowed(Pending, Paid, Actor::Admin));
    }

    #[test]
    fn finished_orders_never_move() {
        for to in OrderStatus::ALL {
            for actor in [Actor::System, Actor::Owner, Actor::Admin] {
                for from in [PaymentFailed, Delivered, Cancelled] {
                    assert!(!allowed(from, to, actor), "{from:?} -> {to:?}");
                }
            }
        }
    }
}
