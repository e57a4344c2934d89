-- The try-confirm-cancel transaction manager's log (ADR 0036): each participant is registered before its try is
-- sent; `trying` turns into `confirming` or `cancelling` once (the decision), and into `confirmed` or
-- `cancelled` when every participant has acknowledged it.
CREATE TABLE coffeeco_transactions.tcc_transactions (
  tx_id       text        PRIMARY KEY,
  status      text        NOT NULL DEFAULT 'trying'
                          CHECK (status IN ('trying', 'confirming', 'confirmed', 'cancelling', 'cancelled')),
  begun_at    timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz,
  finished_at timestamptz
);

CREATE INDEX tcc_transactions_unfinished ON coffeeco_transactions.tcc_transactions (begun_at)
  WHERE finished_at IS NULL;

CREATE TABLE coffeeco_transactions.tcc_participants (
  tx_id       text    NOT NULL REFERENCES coffeeco_transactions.tcc_transactions (tx_id),
  participant text    NOT NULL,
  position    integer NOT NULL,
  status      text    NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'confirmed', 'cancelled')),
  PRIMARY KEY (tx_id, participant)
);
