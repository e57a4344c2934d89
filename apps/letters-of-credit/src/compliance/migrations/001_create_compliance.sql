-- Compliance (product analysis) keeps its product register and its decisions on submitted LC applications.
CREATE SCHEMA IF NOT EXISTS lc_compliance;

-- What the legality and value checks read: a product's category, and its price per unit when it is known.
CREATE TABLE lc_compliance.products (
  id                    uuid        PRIMARY KEY,
  name                  text        NOT NULL,
  category              text        NOT NULL,
  reference_price_cents bigint      CHECK (reference_price_cents > 0),
  registered_at         timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_by_name ON lc_compliance.products (name, id);

-- One row per application: its key makes a second decision on the same application impossible.
CREATE TABLE lc_compliance.product_checks (
  lc_application_id uuid        PRIMARY KEY,
  value_approved    boolean     NOT NULL,
  value_remarks     text        NOT NULL,
  legality_approved boolean     NOT NULL,
  legality_remarks  text        NOT NULL,
  decided_at        timestamptz NOT NULL DEFAULT now()
);
