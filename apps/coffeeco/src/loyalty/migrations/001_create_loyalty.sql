-- Loyalty: the CoffeeBux cards are event-sourced (their events in this schema's event store); these tables are
-- what their saves keep beside the events, in the same transaction.
CREATE SCHEMA IF NOT EXISTS coffeeco_loyalty;

-- The cards' query model: each card's balance as its last save left it. version is the card's stream version.
CREATE TABLE coffeeco_loyalty.cards (
  card_id               uuid        PRIMARY KEY,
  coffee_lover_id       text        NOT NULL,
  store_id              text        NOT NULL,
  free_drinks_available integer     NOT NULL CHECK (free_drinks_available >= 0),
  drinks_to_go          integer     NOT NULL CHECK (drinks_to_go BETWEEN 1 AND 10),
  version               integer     NOT NULL CHECK (version > 0),
  issued_at             timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now()
);
-- A coffee lover's cards, newest first.
CREATE INDEX cards_coffee_lover_idx ON coffeeco_loyalty.cards (coffee_lover_id, issued_at DESC, card_id DESC);

-- The purchases stamped, by purchase id: a purchase announced again under another message id stamps nothing.
CREATE TABLE coffeeco_loyalty.stamped_purchases (
  purchase_id text        PRIMARY KEY,
  card_id     uuid        NOT NULL,
  stamped_at  timestamptz NOT NULL DEFAULT now()
);

-- Each purchase's redemption and its outcome (the refusal too): asked again, the same answer. A row is claimed
-- (outcome null) and given its outcome in one transaction, so no committed row lacks one.
CREATE TABLE coffeeco_loyalty.redemptions (
  purchase_id     text        PRIMARY KEY,
  card_id         uuid,
  coffee_lover_id text        NOT NULL,
  store_id        text        NOT NULL,
  drinks          integer     NOT NULL CHECK (drinks > 0),
  outcome         jsonb,
  redeemed_at     timestamptz NOT NULL DEFAULT now()
);
