//! Cart and orders: `/api/cart*`, `/api/orders*`.

use serde::{Deserialize, Serialize};

/// `PUT /api/cart/items/{product_id}` body. `quantity` is validated as a [`crate::validate::Quantity`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    #[serde(deserialize_with = "crate::whole::number")]
    pub quantity: i64,
}

/// One line of the cart, priced from the catalog at read time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartItem {
    pub product_id: i64,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    /// `unit_price_cents * quantity`.
    pub line_total_cents: i64,
}

/// The signed-in user's cart: `GET /api/cart`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cart {
    pub items: Vec<CartItem>,
    /// Sum of the lines' `line_total_cents`.
    pub total_cents: i64,
    /// ISO 4217 code of every amount in the cart.
    pub currency: String,
}

/// One requested line of `POST /api/orders`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    #[serde(deserialize_with = "crate::whole::number")]
    pub product_id: i64,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 99))]
    #[serde(deserialize_with = "crate::whole::number")]
    pub quantity: i64,
}

/// `POST /api/orders` body. An empty body (or no `items`) checks out the cart.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    /// The lines to buy (at least one); absent or `null`: the cart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub items: Option<Vec<OrderLineRequest>>,
}

/// Where an order is in its lifecycle. The allowed moves are one table, [`TRANSITIONS`], read by
/// the orders service (which enforces it) and by the app (which offers only what it allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created, stock reserved, payment in progress.
    Pending,
    /// Payment approved.
    Paid,
    /// Payment declined; nothing was taken.
    PaymentFailed,
    /// Being packed (set by an admin).
    Preparing,
    /// Handed to the carrier (set by an admin).
    Shipped,
    /// Arrived (set by an admin).
    Delivered,
    /// Cancelled by its owner or an admin; the stock went back.
    Cancelled,
}

/// Who asks for a change of an order's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The checkout itself (the payment's outcome).
    System,
    /// The order's owner.
    Owner,
    /// An admin.
    Admin,
}

/// The order lifecycle: `(from, to, who may)`. Anything it does not list is 409
/// `invalid_transition`.
pub const TRANSITIONS: &[(OrderStatus, OrderStatus, &[Actor])] = &[
    (OrderStatus::Pending, OrderStatus::Paid, &[Actor::System]),
    (
        OrderStatus::Pending,
        OrderStatus::PaymentFailed,
        &[Actor::System],
    ),
    (OrderStatus::Paid, OrderStatus::Preparing, &[Actor::Admin]),
    (
        OrderStatus::Paid,
        OrderStatus::Cancelled,
        &[Actor::Owner, Actor::Admin],
    ),
    (
        OrderStatus::Preparing,
        OrderStatus::Shipped,
        &[Actor::Admin],
    ),
    (
        OrderStatus::Preparing,
        OrderStatus::Cancelled,
        &[Actor::Owner, Actor::Admin],
    ),
    (
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        &[Actor::Admin],
    ),
];

impl OrderStatus {
    /// The statuses `actor` may move an order in this status to, in [`TRANSITIONS`] order.
    pub fn next_steps(self, actor: Actor) -> impl Iterator<Item = OrderStatus> {
        TRANSITIONS
            .iter()
            .filter(move |(from, _, who)| *from == self && who.contains(&actor))
            .map(|(_, to, _)| *to)
    }

    /// Whether `actor` may move an order from this status to `to`.
    pub fn may_move_to(self, to: OrderStatus, actor: Actor) -> bool {
        self.next_steps(actor).any(|next| next == to)
    }

    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Pending,
        OrderStatus::Paid,
        OrderStatus::PaymentFailed,
        OrderStatus::Preparing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Pending => "Payment in progress",
            OrderStatus::Paid => "Paid",
            OrderStatus::PaymentFailed => "Payment declined",
            OrderStatus::Preparing => "Preparing",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
        }
    }
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub status: OrderStatus,
    /// RFC 3339, UTC.
    pub at: String,
}

/// `PATCH /api/orders/{id}/status` body (admins).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: OrderStatus,
}

/// One line of an order, with the name and price it was bought at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub product_id: i64,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub line_total_cents: i64,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    /// The buyer's user id.
    pub user_id: i64,
    /// The buyer's username when they ordered (empty for orders older than this field).
    pub customer: String,
    pub status: OrderStatus,
    pub items: Vec<OrderItem>,
    pub total_cents: i64,
    pub currency: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Every status the order went through, oldest first.
    pub timeline: Vec<OrderEvent>,
}

/// A page of orders, newest first: `GET /api/orders`, `GET /api/admin/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub items: Vec<Order>,
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
    /// Number of orders matching, over all pages.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::Actor::{Admin, Owner, System};
    use super::OrderStatus::*;

    #[test]
    fn each_actor_sees_its_next_steps() {
        assert_eq!(
            Paid.next_steps(Admin).collect::<Vec<_>>(),
            [Preparing, Cancelled]
        );
        assert_eq!(Paid.next_steps(Owner).collect::<Vec<_>>(), [Cancelled]);
        assert_eq!(
            Pending.next_steps(System).collect::<Vec<_>>(),
            [Paid, PaymentFailed]
        );
        assert!(Shipped.next_steps(Owner).next().is_none());
        assert!(Preparing.may_move_to(Cancelled, Owner));
        assert!(!Shipped.may_move_to(Cancelled, Owner));
    }
}
