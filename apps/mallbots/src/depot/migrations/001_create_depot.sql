-- Depot keeps shopping lists as rows (CRUD, as the spec), and local copies of the Stores data a list needs.
CREATE SCHEMA IF NOT EXISTS depot;

-- One list per order (order_id UNIQUE): the saga asking again gets the same list. stops is the list's stops
-- with their items, as the aggregate holds them. version is the optimistic-concurrency token.
CREATE TABLE depot.shopping_lists (
  id              uuid        PRIMARY KEY,
  order_id        uuid        NOT NULL UNIQUE,
  stops           jsonb       NOT NULL,
  assigned_bot_id text,
  status          text        NOT NULL
    CHECK (status IN ('pending', 'available', 'assigned', 'active', 'completed', 'canceled')),
  version         integer     NOT NULL CHECK (version > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- The bots take the oldest available list first.
CREATE INDEX shopping_lists_availability_idx ON depot.shopping_lists (status, created_at, id);

-- Stores' data, fed by its events (every value they carry is absolute: no deltas, unlike Baskets' prices).
CREATE TABLE depot.stores_cache (
  id         uuid        PRIMARY KEY,
  name       text        NOT NULL,
  location   text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- No foreign key to stores_cache: the two channels are consumed independently, in any relative order.
CREATE TABLE depot.products_cache (
  id         uuid        PRIMARY KEY,
  store_id   uuid        NOT NULL,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- When an event about a store or product was last handled: a value fetched from Stores before then may be
-- older than that event, so it is not cached.
CREATE TABLE depot.cache_changes (
  id         uuid        PRIMARY KEY,
  handled_at timestamptz NOT NULL
);
