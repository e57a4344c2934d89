-- The sanctions list: the bank's one list of countries trade with which is prohibited (state-stored). version
-- is the optimistic-concurrency token and the version every published copy of the list carries.
CREATE SCHEMA IF NOT EXISTS lc_sanctions;

CREATE TABLE lc_sanctions.sanctions_list (
  singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  countries  text[]      NOT NULL,
  changed_at timestamptz NOT NULL,
  version    integer     NOT NULL CHECK (version > 0)
);
