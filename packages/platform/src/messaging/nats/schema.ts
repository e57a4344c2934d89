import { identifier } from '../../sql/errors.js';
import { type MigrationSet, schemaMigrations } from '../../sql/index.js';
import { inboxTableSql, inboxTrailSql } from '../inbox.js';

/** The channel the outbox notifies on commit, to wake the relays. */
export const outboxChannel = (schema: string) => `${schema}_outbox`;

/**
 * The NATS broker's tables in the module's own database (ADR 0008): the outbox written in the business
 * transaction and emptied by the relay, the inbox, the dead letters (kept here rather than in a stream so
 * that one admin route and CLI serve both brokers), and the groups that subscribed (for lag).
 */
export function natsBrokerMigrations(schema = 'messaging'): MigrationSet {
  identifier(outboxChannel(schema));
  return schemaMigrations(schema, 'nats', [
    [
      'outbox_inbox_dead_letters',
      (s) => `
-- One row per message to relay, in commit order as far as one key goes (a key's writers serialise on its
-- aggregate). The NATS subject is computed at write time, so a relay needs no configuration of its own.
CREATE TABLE ${s}.outbox (
  position      bigserial   PRIMARY KEY,
  message_id    text        NOT NULL,
  nats_subject  text        NOT NULL,
  payload       text        NOT NULL,
  written_at    timestamptz NOT NULL DEFAULT now()
);
${inboxTableSql(schema)}
CREATE TABLE ${s}.dead_letters (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  group_name  text        NOT NULL,
  message_id  text        NOT NULL,
  subject     text        NOT NULL,
  type        text        NOT NULL,
  reason      text        NOT NULL,
  attempts    integer     NOT NULL,
  envelope    json        NOT NULL,
  dead_at     timestamptz NOT NULL DEFAULT now(),
  -- A crash between recording a dead letter and terminating the delivery records it once.
  UNIQUE (group_name, message_id)
);
CREATE INDEX dead_letters_group_idx ON ${s}.dead_letters (group_name, dead_at);
CREATE TABLE ${s}.groups (
  name        text    PRIMARY KEY,
  partitions  integer NOT NULL
);
`,
    ],
    [
      'lanes',
      (s) => `
-- A group's lanes (its partitions, and its re-drive lane) and who holds each: see leases.ts.
CREATE TABLE ${s}.lanes (
  group_name  text        NOT NULL,
  lane        integer     NOT NULL,
  owner       text,
  expires_at  timestamptz NOT NULL DEFAULT '-infinity',
  PRIMARY KEY (group_name, lane)
);
-- The live members of each group, so that each takes its fair share of the lanes.
CREATE TABLE ${s}.lane_members (
  group_name  text        NOT NULL,
  member      text        NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (group_name, member)
);
`,
    ],
    [
      'trail',
      // The message trail (ADR 0041): the outbox rows go once relayed, so what was sent is kept here, headers
      // only, written with them; the inbox and the dead letters name the conversation of what they record.
      (s) => `
CREATE TABLE ${s}.sent_messages (
  message_id      text        NOT NULL,
  type            text        NOT NULL,
  subject         text        NOT NULL,
  key             text        NOT NULL,
  source          text        NOT NULL,
  correlation_id  text        NOT NULL,
  causation_id    text,
  reply_to        text,
  sent_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sent_messages_correlation_idx ON ${s}.sent_messages (correlation_id);
CREATE INDEX sent_messages_key_idx ON ${s}.sent_messages (key);
${inboxTrailSql(schema)}
ALTER TABLE ${s}.dead_letters ADD COLUMN correlation_id text;
CREATE INDEX dead_letters_correlation_idx ON ${s}.dead_letters (correlation_id);
`,
    ],
    [
      'trail_traces',
      // The trace each message was sent in (ADR 0045), so that the console links a flow to its trace.
      (s) => `ALTER TABLE ${s}.sent_messages ADD COLUMN traceparent text;`,
    ],
    [
      'relay_turn',
      // A relay's pass waits for its turn (the advisory lock relay.ts names), then reads the batch, in one
      // call: a plpgsql function's statements each take a new snapshot, so the read sees what committed while
      // the pass waited (in one plain statement, its snapshot would be older than the lock).
      (s) => `
CREATE FUNCTION ${s}.relay_batch(p_lock_key text, p_limit integer)
RETURNS TABLE ("position" bigint, message_id text, nats_subject text, payload text)
LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(p_lock_key));
  RETURN QUERY SELECT o.position, o.message_id, o.nats_subject, o.payload
                 FROM ${s}.outbox o ORDER BY o.position LIMIT p_limit;
END
$fn$;`,
    ],
  ]);
}
