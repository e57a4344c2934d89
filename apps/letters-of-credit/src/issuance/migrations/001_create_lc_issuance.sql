-- LC Issuance keeps its LCs as rows (state-stored, ADR 0025): one per approved application.
CREATE SCHEMA IF NOT EXISTS lc_issuance;

-- lc_application_id UNIQUE: an application is issued one LC, whatever approval is heard again; lc_number
-- UNIQUE: the bank never gives a number twice. terms are the approved terms as issued. version is the
-- optimistic-concurrency token.
CREATE TABLE lc_issuance.lcs (
  id                uuid        PRIMARY KEY,
  lc_number         text        NOT NULL UNIQUE,
  lc_application_id uuid        NOT NULL UNIQUE,
  applicant_id      text        NOT NULL,
  terms             jsonb       NOT NULL,
  issued_at         timestamptz NOT NULL,
  version           integer     NOT NULL CHECK (version > 0),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- An applicant's LCs, newest first (and everyone's, for the bank's staff).
CREATE INDEX lcs_applicant_idx ON lc_issuance.lcs (applicant_id, issued_at DESC, id DESC);
CREATE INDEX lcs_issued_idx ON lc_issuance.lcs (issued_at DESC, id DESC);

-- The bank's numbering: the last place given in each year. Taken in the issuing transaction, whose row lock
-- orders the year's issuances and whose rollback gives the number back.
CREATE TABLE lc_issuance.lc_numbers (
  year          integer PRIMARY KEY CHECK (year BETWEEN 1000 AND 9999),
  last_sequence integer NOT NULL CHECK (last_sequence > 0)
);
