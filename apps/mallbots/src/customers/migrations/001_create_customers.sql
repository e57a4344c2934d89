-- The Customers module keeps its customers as rows (CRUD, not event-sourced).
CREATE SCHEMA IF NOT EXISTS customers;

-- version is the optimistic-concurrency token: every update names the version it read and adds 1.
CREATE TABLE customers.customers (
  id         uuid        PRIMARY KEY,
  name       text        NOT NULL,
  sms_number text        NOT NULL,
  enabled    boolean     NOT NULL,
  version    integer     NOT NULL CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
