-- The shop's orders by number: unique (a number drawn twice is drawn again), with the key of
-- the buyer's confirmation page. The order itself is a record (collection "orders").
CREATE TABLE shop_orders (
    number     TEXT    PRIMARY KEY,
    org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    order_id   TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
-- Each checkout's key, claimed before its order is written: the same confirm sent again
-- finds the order it made; the same key with another cart or buyer (a key guessed or reused)
-- finds a different fingerprint and is refused.
CREATE TABLE shop_checkouts (
    org_id     BIGINT  NOT NULL REFERENCES organisations (id),
    idem_key   TEXT    NOT NULL,
    number     TEXT    NOT NULL,
    fingerprint TEXT   NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (org_id, idem_key)
);
