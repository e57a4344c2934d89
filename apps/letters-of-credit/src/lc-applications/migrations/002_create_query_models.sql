-- The query side (§4): LCView, one row per application as the lists, work queues and live updates show it,
-- and the summary (LCSummaryView), both written by projections of this module's own event store (their
-- checkpoints are in projection_checkpoints). Every value comes from the events, so a rebuild by replay
-- writes the same rows.
CREATE TABLE lc_applications.lc_view (
  id                 uuid        PRIMARY KEY,
  applicant_id       text        NOT NULL,
  client_reference   text        NOT NULL,
  status             text        NOT NULL,
  amount_cents       bigint,
  currency           text,
  merchandise        jsonb,
  product_value      text        NOT NULL,
  product_legality   text        NOT NULL,
  applicant_credit   text        NOT NULL,
  approval_reminders integer     NOT NULL,
  past_due           boolean     NOT NULL,
  started_at         timestamptz NOT NULL,
  submitted_at       timestamptz,
  closed_at          timestamptz,
  updated_at         timestamptz NOT NULL,
  -- The last event that changed the row: live updates send rows changed after a client's last position.
  position           bigint      NOT NULL,
  queues             text[]      NOT NULL,
  queues_entered     text[]      NOT NULL
);

-- Lists by status (an applicant's own, or everyone's), newest started first; work queues, oldest submitted first.
CREATE INDEX lc_view_by_applicant ON lc_applications.lc_view (applicant_id, status, started_at DESC, id DESC);
CREATE INDEX lc_view_by_status ON lc_applications.lc_view (status, started_at DESC, id DESC);
CREATE INDEX lc_view_queues ON lc_applications.lc_view USING gin (queues);
CREATE INDEX lc_view_queues_entered ON lc_applications.lc_view USING gin (queues_entered);
CREATE INDEX lc_view_position ON lc_applications.lc_view (position);

CREATE TABLE lc_applications.lc_summary (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  started   bigint  NOT NULL
);
