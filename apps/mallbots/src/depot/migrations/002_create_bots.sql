-- The depot's fleet (D-6). A bot registers itself the first time it connects. Being connected (online) and
-- holding a list (shopping_list_id, phase) are independent: a bot that drops its connection keeps its list
-- until it reconnects or its timeout gives the list back. status is derived from both, stored for the
-- assignment's query. version is the optimistic-concurrency token.
CREATE TABLE depot.bots (
  id               text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  name             text        NOT NULL,
  online           boolean     NOT NULL,
  session          text,
  status           text        NOT NULL CHECK (status IN ('offline', 'idle', 'shopping', 'returning')),
  shopping_list_id uuid,
  phase            text        CHECK (phase IN ('shopping', 'returning', 'recalled')),
  recall_reason    text,
  version          integer     NOT NULL CHECK (version > 0),
  last_seen_at     timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((shopping_list_id IS NULL) = (phase IS NULL))
);
-- The assignment takes the bot idle the longest.
CREATE INDEX bots_idle_idx ON depot.bots (updated_at, id) WHERE status = 'idle';
-- One bot per list.
CREATE UNIQUE INDEX bots_shopping_list_idx ON depot.bots (shopping_list_id) WHERE shopping_list_id IS NOT NULL;
