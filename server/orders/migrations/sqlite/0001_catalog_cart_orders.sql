-- Catalog. Prices are integer cents.
CREATE TABLE categories (
    id   TEXT PRIMARY KEY,            -- slug
    name TEXT NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    currency    TEXT    NOT NULL DEFAULT 'EUR',
    category_id TEXT    NOT NULL REFERENCES categories (id),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    image_url   TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX products_category ON products (category_id);

-- Server-side carts, one line per user and product.
CREATE TABLE cart_items (
    user_id    INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   TEXT    NOT NULL,
    PRIMARY KEY (user_id, product_id)
);

-- Orders. (user_id, idempotency_key) is unique: a repeated checkout finds the first order.
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'payment_failed',
                                            'preparing', 'shipped', 'delivered', 'cancelled')),
    total_cents     INTEGER NOT NULL CHECK (total_cents >= 0),
    currency        TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,     -- hex SHA-256 of the request's lines
    created_at      TEXT    NOT NULL,     -- RFC 3339, UTC
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_user ON orders (user_id, id);
CREATE INDEX orders_status ON orders (status, id);

-- Each status an order reached, with its time: the order's timeline.
CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status   TEXT    NOT NULL,
    at       TEXT    NOT NULL            -- RFC 3339, UTC
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Lines keep the name and price they were bought at.
CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    name             TEXT    NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    line_total_cents INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
