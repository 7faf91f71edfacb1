//! The calls of shopping and running the shop: cart, checkout, orders and their live events,
//! and the admin's orders board and products.

use super::{empty, json, send, ApiError, AuthedApi};
use api_types::catalog::{NewProduct, Product, ProductPage, ProductPatch};
use api_types::orders::{Cart, Order, OrderPage, OrderStatus, SetQuantity, StatusChange};
use gloo_net::http::Request;

impl AuthedApi {
    /// `GET /api/cart`.
    pub async fn cart(&self) -> Result<Cart, ApiError> {
        json(empty(self.bearer(Request::get("/api/cart")))).await
    }

    /// `PUT /api/cart/items/{product_id}`.
    pub async fn set_quantity(&self, product_id: i64, quantity: i64) -> Result<Cart, ApiError> {
        let url = format!("/api/cart/items/{product_id}");
        json(
            self.bearer(Request::put(&url))
                .json(&SetQuantity { quantity }),
        )
        .await
    }

    /// `DELETE /api/cart/items/{product_id}`.
    pub async fn remove_item(&self, product_id: i64) -> Result<Cart, ApiError> {
        json(empty(self.bearer(Request::delete(&format!(
            "/api/cart/items/{product_id}"
        )))))
        .await
    }

    /// `POST /api/orders` with an empty body: checks out the cart. `idempotency_key` must be
    /// the same for every try of one checkout, so a retry never charges twice.
    pub async fn checkout(&self, idempotency_key: &str) -> Result<Order, ApiError> {
        json(empty(
            self.bearer(Request::post("/api/orders"))
                .header("Idempotency-Key", idempotency_key),
        ))
        .await
    }

    /// `GET /api/orders`: my orders, newest first.
    pub async fn orders(&self, page: u32) -> Result<OrderPage, ApiError> {
        let b = Request::get("/api/orders").query([("page", page.max(1).to_string())]);
        json(empty(self.bearer(b))).await
    }

    /// `GET /api/orders/{id}`.
    pub async fn order(&self, id: i64) -> Result<Order, ApiError> {
        json(empty(
            self.bearer(Request::get(&format!("/api/orders/{id}"))),
        ))
        .await
    }

    /// `POST /api/orders/{id}/cancel`.
    pub async fn cancel(&self, id: i64) -> Result<Order, ApiError> {
        json(empty(
            self.bearer(Request::post(&format!("/api/orders/{id}/cancel"))),
        ))
        .await
    }

    /// `GET /api/orders/{id}/events`: the open stream of server-sent events, ended by `abort`.
    pub async fn order_events(
        &self,
        id: i64,
        abort: &web_sys::AbortSignal,
    ) -> Result<web_sys::ReadableStream, ApiError> {
        let b = self
            .bearer(Request::get(&format!("/api/orders/{id}/events")))
            .header("Accept", "text/event-stream")
            .abort_signal(Some(abort));
        send(empty(b))
            .await?
            .body()
            .ok_or_else(|| ApiError::Network("no event stream".to_owned()))
    }

    /// `GET /api/admin/orders?status=` (admins).
    pub async fn admin_orders(&self, status: Option<OrderStatus>) -> Result<OrderPage, ApiError> {
        let mut b = Request::get("/api/admin/orders").query([("per_page", "100")]);
        if let Some(s) = status {
            b = b.query([("status", s.as_str())]);
        }
        json(empty(self.bearer(b))).await
    }

    /// `PATCH /api/orders/{id}/status` (admins).
    pub async fn set_status(&self, id: i64, status: OrderStatus) -> Result<Order, ApiError> {
        json(
            self.bearer(Request::patch(&format!("/api/orders/{id}/status")))
                .json(&StatusChange { status }),
        )
        .await
    }

    /// `GET /api/admin/products` (admins): hidden products too.
    pub async fn admin_products(&self) -> Result<ProductPage, ApiError> {
        json(empty(self.bearer(
            Request::get("/api/admin/products").query([("per_page", "100")]),
        )))
        .await
    }

    /// `POST /api/products` (admins): 201 with the new product.
    pub async fn create_product(&self, product: &NewProduct) -> Result<Product, ApiError> {
        json(self.bearer(Request::post("/api/products")).json(product)).await
    }

    /// `PATCH /api/products/{id}` (admins).
    pub async fn patch_product(&self, id: i64, patch: &ProductPatch) -> Result<Product, ApiError> {
        json(
            self.bearer(Request::patch(&format!("/api/products/{id}")))
                .json(patch),
        )
        .await
    }
}
