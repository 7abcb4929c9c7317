-- Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.

-- Deleted products stay as tombstones (deleted = TRUE) so versions keep increasing if an id is reused.
CREATE TABLE products (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    description   VARCHAR(5000),
    price_cents   BIGINT       NOT NULL CHECK (price_cents >= 0),
    currency      VARCHAR(3)   NOT NULL,
    stock         INTEGER      NOT NULL CHECK (stock >= 0),
    category_slug VARCHAR(64)  NOT NULL,
    brand_slug    VARCHAR(64),
    version       BIGINT       NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted       BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX products_by_category ON products (category_slug, id);

-- Transactional outbox: one row per committed change, written in the change's transaction.
-- seq orders the rows; two changes of one product are serialised by the product row lock, so their seq
-- order is their version order. payload is the change as JSON (see OutboxWriter for why not Avro bytes).
CREATE TABLE outbox (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id    VARCHAR(36)  NOT NULL UNIQUE,
    product_id  VARCHAR(64)  NOT NULL,
    version     BIGINT       NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    payload     VARCHAR      NOT NULL,
    sent_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX outbox_pending ON outbox (sent_at, seq);

-- One row per relay role; the relay that holds its row lock (SELECT ... FOR UPDATE SKIP LOCKED) is the only one
-- publishing, which keeps several relay instances from publishing a row twice or out of order.
CREATE TABLE outbox_relay_lock (
    name VARCHAR(100) NOT NULL PRIMARY KEY
);
INSERT INTO outbox_relay_lock (name) VALUES ('product-events');
