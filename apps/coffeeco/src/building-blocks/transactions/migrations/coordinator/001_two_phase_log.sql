-- The two-phase coordinator's log (ADR 0036). A transaction is written with its participants before any of them
-- is asked to prepare; its decision is written once, before any participant hears it (the first writer wins,
-- see TwoPhaseLog.decide); completed_at says every participant has acted on it. No commit here means abort.
CREATE SCHEMA IF NOT EXISTS coffeeco_transactions;

CREATE TABLE coffeeco_transactions.two_phase_log (
  tx_id        text        PRIMARY KEY,
  participants jsonb       NOT NULL,
  decision     text        CHECK (decision IN ('commit', 'abort')),
  begun_at     timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  completed_at timestamptz,
  CHECK (completed_at IS NULL OR decision IS NOT NULL)
);

CREATE INDEX two_phase_log_unfinished ON coffeeco_transactions.two_phase_log (begun_at) WHERE completed_at IS NULL;
