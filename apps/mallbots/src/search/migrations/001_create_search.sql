-- The order search read model, projected from Search's own event store (search.events): every row here can be
-- emptied and rebuilt by replay. Column types are loose (text ids) because the data comes from other contexts.
CREATE SCHEMA IF NOT EXISTS search;

-- One row per order, denormalized: names, items as JSON, the id arrays the store and product filters match.
-- created_at is when the order was placed (the OrderCreated message's time), updated_at the time Search
-- recorded the last event that changed the row: both come from events, so a rebuild reproduces them.
CREATE TABLE search.orders (
  order_id          text        PRIMARY KEY,
  customer_id       text        NOT NULL,
  customer_name     text        NOT NULL,
  items             jsonb       NOT NULL,
  total_cents       bigint      NOT NULL,
  product_ids       text[]      NOT NULL,
  store_ids         text[]      NOT NULL,
  status            text        NOT NULL,
  unavailable_items jsonb       NOT NULL DEFAULT '[]',
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
-- Keyset pagination, newest first, with or without the customer and status filters.
CREATE INDEX orders_created_idx ON search.orders (created_at DESC, order_id DESC);
CREATE INDEX orders_customer_idx ON search.orders (customer_id, created_at DESC, order_id DESC);
CREATE INDEX orders_status_idx ON search.orders (status, created_at DESC, order_id DESC);
CREATE INDEX orders_total_idx ON search.orders (total_cents);
-- "Contains any of these ids": the && operator, served by GIN.
CREATE INDEX orders_product_ids_idx ON search.orders USING gin (product_ids);
CREATE INDEX orders_store_ids_idx ON search.orders USING gin (store_ids);

-- The latest names Search has been told of; a rename rewrites the orders' rows too.
CREATE TABLE search.customer_names (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE search.store_names (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE search.product_names (id text PRIMARY KEY, name text NOT NULL);

-- Status changes recorded before their order was placed (possible only after a lost OrderCreated, since one
-- channel keyed by order id carries them all): applied, in order, when the order arrives.
CREATE TABLE search.early_changes (
  order_id text   NOT NULL,
  position bigint NOT NULL,
  change   jsonb  NOT NULL,
  PRIMARY KEY (order_id, position)
);
