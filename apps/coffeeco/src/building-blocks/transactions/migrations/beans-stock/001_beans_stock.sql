-- A store's beans stock, as a two-phase participant keeps it in its own database (ADR 0036). PostgreSQL's own
-- prepared transactions need max_prepared_transactions > 0, which the servers we run on (and PGlite) leave at 0,
-- so the prepared state is ordinary rows: `locked_by` is the lock a prepare takes on the stock, and
-- beans_stock_transactions remembers each transaction's state, durable across crashes of either side.
CREATE SCHEMA IF NOT EXISTS coffeeco_transactions;

CREATE TABLE coffeeco_transactions.beans_stock (
  store_id  text   NOT NULL,
  beans     text   NOT NULL,
  grams     bigint NOT NULL CHECK (grams >= 0),
  locked_by text,
  PRIMARY KEY (store_id, beans)
);

-- `aborted` rows without work are tombstones: a rollback that came before the prepare, which a late prepare obeys.
CREATE TABLE coffeeco_transactions.beans_stock_transactions (
  tx_id        text        PRIMARY KEY,
  state        text        NOT NULL CHECK (state IN ('prepared', 'committed', 'aborted')),
  store_id     text,
  beans        text,
  change_grams bigint,
  reason       text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (state = 'aborted' OR (store_id IS NOT NULL AND beans IS NOT NULL AND change_grams IS NOT NULL))
);
