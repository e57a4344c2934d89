-- CoffeeBux put on hold for a trip package, as a try-confirm-cancel participant keeps them (ADR 0036): a try
-- holds the amount (held_cents, so that it cannot be spent twice), a confirm spends it, a cancel releases it.
-- Money is whole cents with its currency. A `cancelled` hold without a card is an empty cancel.
CREATE SCHEMA IF NOT EXISTS coffeeco_transactions;

CREATE TABLE coffeeco_transactions.coffeebux_balances (
  card_id       text   PRIMARY KEY,
  currency      text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  balance_cents bigint NOT NULL CHECK (balance_cents >= 0),
  held_cents    bigint NOT NULL DEFAULT 0 CHECK (held_cents >= 0 AND held_cents <= balance_cents)
);

CREATE TABLE coffeeco_transactions.coffeebux_holds (
  tx_id        text        PRIMARY KEY,
  status       text        NOT NULL CHECK (status IN ('tried', 'confirmed', 'cancelled')),
  card_id      text,
  amount_cents bigint,
  currency     text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (status = 'cancelled' OR (card_id IS NOT NULL AND amount_cents > 0 AND currency IS NOT NULL))
);
