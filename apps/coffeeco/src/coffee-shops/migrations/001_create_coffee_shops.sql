-- The coffee shops keep their coffee lovers, their stores (with what each sells and its discount) and the
-- purchases made in them.
CREATE SCHEMA IF NOT EXISTS coffeeco_coffee_shops;

-- A coffee lover's id is the subject of their identity account (role coffee-lover).
CREATE TABLE coffeeco_coffee_shops.coffee_lovers (
  id            uuid        PRIMARY KEY,
  first_name    text        NOT NULL,
  last_name     text        NOT NULL,
  email_address text        NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);

-- A store, with the products it sells (an array of {item_name, base_price_cents, currency}: value objects, kept
-- whole with their store) and its store-specific discount as a field (CC-D6).
CREATE TABLE coffeeco_coffee_shops.stores (
  id               uuid        PRIMARY KEY,
  location         text        NOT NULL,
  products         jsonb       NOT NULL DEFAULT '[]',
  discount_percent integer     NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
  opened_at        timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A purchase, under the id its client made. Recorded pending, with its total, before anything is paid; then
-- completed (with its charge, for a card) or failed, once: only a pending row is ever updated. The columns
-- the book's Mongo document had keep its keys (products_purchased, purchase_total, payment_means,
-- created_at, card_token).
CREATE TABLE coffeeco_coffee_shops.purchases (
  id                 uuid        PRIMARY KEY,
  store_id           uuid        NOT NULL,
  coffee_lover_id    uuid,
  products_purchased jsonb       NOT NULL,
  purchase_total     bigint      NOT NULL CHECK (purchase_total >= 0),
  currency           text        NOT NULL,
  payment_means      text        NOT NULL CHECK (payment_means IN ('card', 'cash', 'coffeebux')),
  card_token         text,
  status             text        NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  charge_id          text,
  failure_code       text,
  failure_reason     text,
  created_at         timestamptz NOT NULL,
  completed_at       timestamptz,
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
  CHECK (payment_means <> 'card' OR status <> 'completed' OR charge_id IS NOT NULL)
);

-- A coffee lover's purchases, newest first.
CREATE INDEX purchases_by_coffee_lover ON coffeeco_coffee_shops.purchases (coffee_lover_id, created_at DESC, id DESC)
  WHERE coffee_lover_id IS NOT NULL;
