//! Cart and orders: `/api/cart*`, `/api/orders*`.

use serde::{Deserialize, Serialize};

/// `PUT /api/cart/items/{product_id}` body. `quantity` is validated as a [`crate::validate::Quantity`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetQuantity {
    pub quantity: i64,
}

/// One line of the cart, priced from the catalog at read time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Cart {
    pub items: Vec<CartItem>,
    /// Sum of the lines' `line_total_cents`.
    pub total_cents: i64,
    /// ISO 4217 code of every amount in the cart.
    pub currency: String,
}

/// One requested line of `POST /api/orders`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLineRequest {
    pub product_id: i64,
    pub quantity: i64,
}

/// `POST /api/orders` body. An empty body (or no `items`) checks out the cart.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<OrderLineRequest>>,
}

/// Where an order is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created, payment in progress.
    Pending,
    Paid,
    PaymentFailed,
}

impl OrderStatus {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::Paid => "paid",
            OrderStatus::PaymentFailed => "payment_failed",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(OrderStatus::Pending),
            "paid" => Some(OrderStatus::Paid),
            "payment_failed" => Some(OrderStatus::PaymentFailed),
            _ => None,
        }
    }
}

/// One line of an order, with the name and price it was bought at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    pub product_id: i64,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub line_total_cents: i64,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: i64,
    pub status: OrderStatus,
    pub items: Vec<OrderItem>,
    pub total_cents: i64,
    pub currency: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// `GET /api/orders`: the signed-in user's orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderList {
    pub items: Vec<Order>,
}
