//! The number of items in the signed-in customer's cart, shown in the header and kept current
//! without a reload: read when someone signs in (or a session resumes), and set from every cart
//! the API answers (adding, changing, removing, paying).

use api_types::orders::Cart;
use leptos::prelude::*;

/// Units in the cart (the sum of the lines' quantities); `None` while signed out or unknown.
#[derive(Clone, Copy)]
pub(crate) struct CartCount(RwSignal<Option<i64>>);

impl CartCount {
    /// Provides the count and keeps it in step with who is signed in.
    pub(crate) fn start(session: crate::session::Session) -> Self {
        let count = Self(RwSignal::new(None));
        provide_context(count);
        Effect::new(move || match session.user() {
            Some(_) => leptos::task::spawn_local(async move {
                if let Ok(cart) = session.call(|api| async move { api.cart().await }).await {
                    count.show(&cart);
                }
            }),
            None => count.0.set(None),
        });
        count
    }

    /// The count (reactive).
    pub(crate) fn get(self) -> Option<i64> {
        self.0.get()
    }

    /// Takes the count from a cart the API answered.
    pub(crate) fn show(self, cart: &Cart) {
        self.0
            .set(Some(cart.items.iter().map(|i| i.quantity).sum()));
    }

    /// The cart was emptied (an order was paid from it).
    pub(crate) fn emptied(self) {
        self.0.set(Some(0));
    }
}

/// The count from context (provided by [`crate::App`]).
pub(crate) fn use_cart_count() -> CartCount {
    expect_context::<CartCount>()
}
