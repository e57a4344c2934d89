-- What a customer watches of an order (the kiosk) and the depot's orders board: one row per order, projected by
-- search.tracking from Search's own events (as search.orders is), so it can be emptied and rebuilt by replay.
-- `tracking` is the folded state (domain/tracking.ts); the columns beside it are what lists filter and sort on.
-- `position` is the global position of the last event that changed the row: what live updates resume after.
CREATE TABLE search.order_tracking (
  order_id         text        PRIMARY KEY,
  -- '' until Search is told whose order it is (a depot message may arrive before the order's own).
  customer_id      text        NOT NULL,
  customer_name    text        NOT NULL,
  status           text        NOT NULL,
  -- Every status the order was ever in: a live feed filtered by status still finds an order that left it.
  statuses_entered text[]      NOT NULL,
  tracking         jsonb       NOT NULL,
  position         bigint      NOT NULL,
  placed_at        timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX order_tracking_position_idx ON search.order_tracking (position);
CREATE INDEX order_tracking_customer_position_idx ON search.order_tracking (customer_id, position);
CREATE INDEX order_tracking_statuses_idx ON search.order_tracking USING gin (statuses_entered);
-- Lists: newest placed first, by keyset, with or without the customer and status filters.
CREATE INDEX order_tracking_placed_idx ON search.order_tracking (placed_at DESC, order_id DESC);
CREATE INDEX order_tracking_customer_placed_idx
  ON search.order_tracking (customer_id, placed_at DESC, order_id DESC);
CREATE INDEX order_tracking_status_placed_idx
  ON search.order_tracking (status, placed_at DESC, order_id DESC);

-- The customers' names as search.tracking was told them (its own copy: a projection reads only its own tables,
-- so its rebuild never depends on another's progress).
CREATE TABLE search.tracking_customer_names (id text PRIMARY KEY, name text NOT NULL);
