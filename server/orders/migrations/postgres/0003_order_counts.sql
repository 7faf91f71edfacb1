-- How many orders each customer has in each status, and the same over all customers, kept by a
-- trigger in the transaction that writes the order: a page of history or of the admin board
-- learns its `total` from a few rows instead of counting every order.
--
-- The trigger is a deferred constraint trigger: it runs at commit, after everything else the
-- transaction locks (products' stock rows above all), so every transaction takes the counter
-- rows last, in the order of the status lifecycle (an order only moves forward: pending first);
-- no two transactions can wait on each other's counters, and a counter row is held only for the
-- commit itself. The rows of `order_status_counts` are shared by every checkout, as a product's
-- stock row is by every buyer of that product.
CREATE TABLE order_counts (
    user_id BIGINT NOT NULL,
    status  TEXT   NOT NULL,
    orders  BIGINT NOT NULL,
    PRIMARY KEY (user_id, status)
);

CREATE TABLE order_status_counts (
    status TEXT PRIMARY KEY,
    orders BIGINT NOT NULL
);

INSERT INTO order_counts (user_id, status, orders)
    SELECT user_id, status, COUNT(*) FROM orders GROUP BY user_id, status;
INSERT INTO order_status_counts (status, orders)
    SELECT status, COUNT(*) FROM orders GROUP BY status;

CREATE FUNCTION count_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.user_id = NEW.user_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE order_counts SET orders = orders - 1
            WHERE user_id = OLD.user_id AND status = OLD.status;
        UPDATE order_status_counts SET orders = orders - 1 WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO order_counts (user_id, status, orders) VALUES (NEW.user_id, NEW.status, 1)
            ON CONFLICT (user_id, status) DO UPDATE SET orders = order_counts.orders + 1;
        INSERT INTO order_status_counts (status, orders) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET orders = order_status_counts.orders + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER orders_counted
    AFTER INSERT OR UPDATE OF status, user_id OR DELETE ON orders
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION count_orders();
