-- Payments keeps payments and invoices as rows (CRUD, as the spec), not event streams. Money is whole cents.
CREATE SCHEMA IF NOT EXISTS payments;

-- version is the optimistic-concurrency token: every update names the version it read and adds 1.
CREATE TABLE payments.payments (
  id           uuid        PRIMARY KEY,
  customer_id  uuid        NOT NULL,
  amount_cents bigint      NOT NULL CHECK (amount_cents > 0),
  confirmed    boolean     NOT NULL,
  version      integer     NOT NULL CHECK (version > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- An invoice's id is its order's id; order_id is kept as its own column, as other contexts name it.
CREATE TABLE payments.invoices (
  id           uuid        PRIMARY KEY,
  order_id     uuid        NOT NULL UNIQUE,
  payment_id   text        NOT NULL,
  amount_cents bigint      NOT NULL CHECK (amount_cents >= 0),
  status       text        NOT NULL CHECK (status IN ('pending', 'paid', 'canceled')),
  version      integer     NOT NULL CHECK (version > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
