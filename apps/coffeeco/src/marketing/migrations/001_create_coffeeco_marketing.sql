-- Marketing's launches of campaigns: each launch keeps the campaign as the marketer sent it (marketing's own
-- model, unchecked beyond its types), the row written in the transaction that publishes it (the outbox).
CREATE SCHEMA IF NOT EXISTS coffeeco_marketing;

CREATE TABLE coffeeco_marketing.launches (
  launch_id   uuid        PRIMARY KEY,
  campaign    jsonb       NOT NULL,
  launched_at timestamptz NOT NULL
);
