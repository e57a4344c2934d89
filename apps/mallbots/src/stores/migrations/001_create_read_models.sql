-- Read models of the Stores module, kept in step with the events by inline projections.
-- The event store's migration creates the schema first; this line keeps the file runnable on its own.
CREATE SCHEMA IF NOT EXISTS stores;

-- created_at never changes; updated_at moves only when a row really changes.
CREATE FUNCTION stores.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.created_at := OLD.created_at;
  IF NEW IS DISTINCT FROM OLD THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END
$fn$;

-- The mall: every store.
CREATE TABLE stores.stores (
  id            uuid        PRIMARY KEY,
  name          text        NOT NULL,
  location      text        NOT NULL,
  participating boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participating_stores_idx ON stores.stores (participating) WHERE participating;
CREATE TRIGGER stores_touch_updated_at BEFORE UPDATE ON stores.stores
  FOR EACH ROW EXECUTE FUNCTION stores.touch_updated_at();

-- The catalog: every product that has not been removed. Prices are exact: whole cents.
CREATE TABLE stores.products (
  id          uuid        PRIMARY KEY,
  store_id    uuid        NOT NULL REFERENCES stores.stores (id),
  name        text        NOT NULL,
  description text        NOT NULL,
  sku         text        NOT NULL,
  price_cents bigint      NOT NULL CHECK (price_cents >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_products_idx ON stores.products (store_id);
CREATE TRIGGER products_touch_updated_at BEFORE UPDATE ON stores.products
  FOR EACH ROW EXECUTE FUNCTION stores.touch_updated_at();
