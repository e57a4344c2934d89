-- The anti-corruption layer of Baskets: local copies of the Stores data a basket needs, fed by the Stores
-- integration events and, on a miss, by Stores' API. Stores stays the owner; see the module README.
-- The event store's migration creates the schema first; this line keeps the file runnable on its own.
CREATE SCHEMA IF NOT EXISTS baskets;

-- created_at never changes; updated_at moves only when a row really changes.
CREATE FUNCTION baskets.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.created_at := OLD.created_at;
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

-- exact: the row was made by the store's (product's) first event, so every later event arrives after it, in
-- order. Not exact: the row came from Stores' API on a miss, and nobody knows which events its values include.
CREATE TABLE baskets.stores_cache (
  id         uuid        PRIMARY KEY,
  name       text        NOT NULL,
  exact      boolean     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER stores_cache_touch_updated_at BEFORE UPDATE ON baskets.stores_cache
  FOR EACH ROW EXECUTE FUNCTION baskets.touch_updated_at();

-- No foreign key to stores_cache: the two channels are consumed independently, in any relative order.
CREATE TABLE baskets.products_cache (
  id          uuid        PRIMARY KEY,
  store_id    uuid        NOT NULL,
  name        text        NOT NULL,
  price_cents bigint      NOT NULL,
  exact       boolean     NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER products_cache_touch_updated_at BEFORE UPDATE ON baskets.products_cache
  FOR EACH ROW EXECUTE FUNCTION baskets.touch_updated_at();

-- When an event about a store or product was last handled: a value fetched from Stores' API before then may
-- be older than that event, so it is not cached.
CREATE TABLE baskets.cache_changes (
  id         uuid        PRIMARY KEY,
  handled_at timestamptz NOT NULL
);
