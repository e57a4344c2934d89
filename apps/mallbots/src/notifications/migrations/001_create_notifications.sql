-- Notifications keeps a copy of Customers' data, the notification history (also the queue of SMS to send),
-- and the fake SMS provider's deliveries.
CREATE SCHEMA IF NOT EXISTS notifications;

-- Customers' name and SMS number, fed by their events; '' when a customer has no number.
CREATE TABLE notifications.customers_cache (
  id         uuid        PRIMARY KEY,
  name       text        NOT NULL,
  sms_number text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- When an event about a customer was last handled: a value fetched from Customers before then may be older
-- than that event, so it is not cached.
CREATE TABLE notifications.cache_changes (
  id         uuid        PRIMARY KEY,
  handled_at timestamptz NOT NULL
);

-- One row per notification; its id derives from the message that caused it. A queued row is sent by the
-- dispatcher once next_attempt_at has come (it also serves as the lease of an attempt in flight).
CREATE TABLE notifications.notifications (
  id              uuid        PRIMARY KEY,
  customer_id     uuid        NOT NULL,
  order_id        uuid        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('order_created', 'order_ready', 'order_canceled')),
  status          text        NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
  sms_number      text,
  body            text        NOT NULL,
  skip_reason     text,
  attempts        integer     NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  sent_at         timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_customer_idx ON notifications.notifications (customer_id, created_at DESC, id);
CREATE INDEX notifications_queued_idx ON notifications.notifications (next_attempt_at, id)
  WHERE status = 'queued';

-- What the fake SMS provider "delivered": one row per idempotency key, however often it was asked.
CREATE TABLE notifications.fake_sms_deliveries (
  idempotency_key text        PRIMARY KEY,
  to_number       text        NOT NULL,
  body            text        NOT NULL,
  delivered_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX fake_sms_deliveries_to_idx ON notifications.fake_sms_deliveries (to_number, delivered_at DESC);
