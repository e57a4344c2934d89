-- Customer Onboarding (credit analysis) keeps the applicants it knows and its decisions on LC applications.
CREATE SCHEMA IF NOT EXISTS lc_onboarding;

-- An applicant's id is the subject of their identity account. No credit line until an analyst sets one.
CREATE TABLE lc_onboarding.applicants (
  id                uuid        PRIMARY KEY,
  name              text        NOT NULL,
  company           text,
  address           jsonb,
  credit_line_cents bigint      CHECK (credit_line_cents >= 0),
  registered_at     timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per application: its key makes a second decision on the same application impossible.
CREATE TABLE lc_onboarding.credit_checks (
  lc_application_id uuid        PRIMARY KEY,
  applicant_id      text        NOT NULL,
  approved          boolean     NOT NULL,
  remarks           text        NOT NULL,
  decided_at        timestamptz NOT NULL DEFAULT now()
);
