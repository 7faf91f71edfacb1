-- The orders service's schema on PostgreSQL: the same tables as the SQLite migrations, and the
-- same demo catalog. Prices are integer cents; times RFC 3339 text, as there.

CREATE TABLE categories (
    id   TEXT PRIMARY KEY,            -- slug
    name TEXT NOT NULL
);

CREATE TABLE products (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price_cents BIGINT  NOT NULL CHECK (price_cents >= 0),
    currency    TEXT    NOT NULL DEFAULT 'EUR',
    category_id TEXT    NOT NULL REFERENCES categories (id),
    stock       BIGINT  NOT NULL CHECK (stock >= 0),
    image_url   TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX products_category ON products (category_id);

-- Server-side carts, one line per user and product.
CREATE TABLE cart_items (
    user_id    BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity   BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   TEXT   NOT NULL,
    PRIMARY KEY (user_id, product_id)
);

-- Orders. (user_id, idempotency_key) is unique: a repeated checkout finds the first order.
CREATE TABLE orders (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    status          TEXT   NOT NULL CHECK (status IN ('pending', 'paid', 'payment_failed',
                                           'preparing', 'shipped', 'delivered', 'cancelled')),
    total_cents     BIGINT NOT NULL CHECK (total_cents >= 0),
    currency        TEXT   NOT NULL,
    idempotency_key TEXT   NOT NULL,
    request_hash    TEXT   NOT NULL,      -- hex SHA-256 of the request's lines
    created_at      TEXT   NOT NULL,      -- RFC 3339, UTC
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_user ON orders (user_id, id);
CREATE INDEX orders_status ON orders (status, id);

-- Each status an order reached, with its time: the order's timeline.
CREATE TABLE order_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status   TEXT   NOT NULL,
    at       TEXT   NOT NULL             -- RFC 3339, UTC
);
CREATE INDEX order_events_order ON order_events (order_id, id);

-- Lines keep the name and price they were bought at.
CREATE TABLE order_items (
    order_id         BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       BIGINT NOT NULL REFERENCES products (id),
    name             TEXT   NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    line_total_cents BIGINT NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

INSERT INTO categories (id, name) VALUES
    ('coffee', 'Coffee'),
    ('tea', 'Tea'),
    ('brewing', 'Brewing gear'),
    ('cups', 'Cups & mugs');

INSERT INTO products (name, description, price_cents, category_id, stock, image_url) VALUES
    ('Ethiopia Yirgacheffe, 250 g', 'Washed Arabica from Gedeo; jasmine, bergamot and lemon curd. Light roast, whole beans.', 1290, 'coffee', 40, '/images/ethiopia-yirgacheffe.svg'),
    ('Colombia Huila, 250 g', 'Caturra and Castillo from smallholders around Pitalito; red apple, panela, milk chocolate.', 1150, 'coffee', 55, '/images/colombia-huila.svg'),
    ('House Espresso Blend, 1 kg', 'Brazil and Guatemala for a dense crema; hazelnut, cocoa and a soft finish. Medium-dark roast.', 3490, 'coffee', 25, '/images/espresso-blend.svg'),
    ('Swiss Water Decaf, 250 g', 'Mexico Chiapas, decaffeinated without solvents; caramel and almond.', 1090, 'coffee', 30, '/images/decaf.svg'),
    ('Darjeeling First Flush, 100 g', 'Spring harvest from the Castleton estate; muscatel, fresh and floral. Loose leaf.', 1490, 'tea', 35, '/images/darjeeling.svg'),
    ('Gyokuro Kirameki, 50 g', 'Shade-grown green tea from Yame, Fukuoka; umami, sweet grass and sea breeze.', 1890, 'tea', 20, '/images/gyokuro.svg'),
    ('Earl Grey Supreme, 100 g', 'Ceylon black tea with cold-pressed Calabrian bergamot and cornflower petals.', 890, 'tea', 60, '/images/earl-grey.svg'),
    ('Rooibos Vanilla, 100 g', 'Caffeine-free red bush from the Cederberg with Bourbon vanilla pieces.', 790, 'tea', 45, '/images/rooibos.svg'),
    ('Pour-over Dripper V60', 'Ceramic cone dripper, size 02, for one to four cups. Spiral ribs, single large hole.', 2490, 'brewing', 18, '/images/dripper.svg'),
    ('Gooseneck Kettle, 1 l', 'Stainless steel, precise spout for pour-over; works on gas, electric and induction.', 4590, 'brewing', 12, '/images/kettle.svg'),
    ('Hand Grinder, Conical Burr', 'Steel conical burrs with 40 click settings, from espresso to French press. 30 g capacity.', 7990, 'brewing', 8, '/images/grinder.svg'),
    ('French Press, 8 cups', 'Borosilicate glass carafe with a four-layer stainless filter. 1 litre.', 3290, 'brewing', 22, '/images/french-press.svg'),
    ('Paper Filters 02, 100 pcs', 'Unbleached cone filters for size 02 drippers. Rinse before use.', 590, 'brewing', 120, '/images/filters.svg'),
    ('Stoneware Mug, 350 ml', 'Hand-glazed stoneware in speckled sand; dishwasher and microwave safe.', 1690, 'cups', 50, '/images/mug.svg'),
    ('Double-wall Glass, 2 pcs', 'Heat-resistant borosilicate glasses that keep drinks hot and hands cool. 250 ml each.', 2190, 'cups', 28, '/images/glasses.svg'),
    ('Cupping Bowl Set, 4 pcs', 'Porcelain bowls of 200 ml for tasting coffee side by side, as roasters do.', 2890, 'cups', 10, '/images/cupping-bowls.svg');
