-- LC Application Processing keeps its applications as event streams (the event store's own tables, in this
-- schema) and, here, its local copy of the sanctions list: the latest list the Sanctions module published.
CREATE SCHEMA IF NOT EXISTS lc_applications;

CREATE TABLE lc_applications.sanctions_copy (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  countries text[] NOT NULL,
  version integer NOT NULL,
  changed_at timestamptz NOT NULL
);
