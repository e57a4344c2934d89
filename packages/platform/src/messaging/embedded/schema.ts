import { identifier } from '../../sql/errors.js';
import { type MigrationSet, schemaMigrations } from '../../sql/index.js';
import { planOnce } from '../../sql/migrations.js';
import { inboxTableSql, inboxTrailSql } from '../inbox.js';

/** The channel the embedded broker notifies when messages are published or re-driven. */
export const brokerChannel = (schema: string) => `${schema}_messages`;

/**
 * The embedded broker's tables (ADR 0008): fan-out on write. Publishing inserts the message and one delivery
 * row per registered group whose pattern matches the subject, in the publisher's transaction: that is the
 * outbox, with no relay. A delivery row is claimed with `FOR UPDATE SKIP LOCKED`, handled in the same
 * transaction and deleted there.
 */
export function embeddedBrokerMigrations(schema = 'broker'): MigrationSet {
  const channel = brokerChannel(schema);
  identifier(channel);
  return schemaMigrations(schema, 'broker', [
    [
      'messages_groups_deliveries',
      (s) => `
CREATE TABLE ${s}.messages (
  position      bigserial   PRIMARY KEY,
  id            text        NOT NULL UNIQUE,
  subject       text        NOT NULL,
  key           text        NOT NULL,
  envelope      json        NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);
-- A group's patterns: an exact subject, 'prefix.>' (one or more further tokens) or '>' (everything).
CREATE TABLE ${s}.groups (
  name     text NOT NULL,
  pattern  text NOT NULL,
  PRIMARY KEY (name, pattern)
);
CREATE TABLE ${s}.deliveries (
  group_name    text        NOT NULL,
  position      bigint      NOT NULL REFERENCES ${s}.messages (position),
  key           text        NOT NULL,
  attempts      integer     NOT NULL DEFAULT 0,
  available_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_name, position)
);
CREATE INDEX deliveries_key_idx ON ${s}.deliveries (group_name, key, position);
CREATE INDEX deliveries_available_idx ON ${s}.deliveries (group_name, available_at, position);
CREATE TABLE ${s}.dead_letters (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  group_name  text        NOT NULL,
  position    bigint      NOT NULL REFERENCES ${s}.messages (position),
  reason      text        NOT NULL,
  attempts    integer     NOT NULL,
  dead_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_group_idx ON ${s}.dead_letters (group_name, dead_at);

-- Publishes a batch in one statement: the messages in the order given (a repeated id, in the batch or
-- already stored, is skipped), one delivery per matching group, and a notification on commit.
-- The prefix match compares strings (starts_with), not LIKE: '_' and '%' in subjects are not wildcards.
${publishFunction(s, {
  create: 'CREATE',
  variables: ['published integer'],
  delivered: '1',
  notify: `  SELECT count(*) INTO published FROM inserted;
  IF published > 0 THEN
    PERFORM pg_notify('${channel}', '');
  END IF;`,
})}`,
    ],
    ['inbox', () => inboxTableSql(schema)],
    [
      'notify_groups',
      // One notification per group that got a delivery, named by its payload: a publish wakes only the
      // workers that have something to do (an empty payload still wakes every group).
      (s) => `
${publishFunction(s, {
  create: 'CREATE OR REPLACE',
  variables: ['published integer', 'woken text[]'],
  delivered: 'group_name',
  notify: `  SELECT (SELECT count(*) FROM inserted), (SELECT array_agg(DISTINCT group_name) FROM delivered)
    INTO published, woken;
  IF woken IS NOT NULL THEN
    PERFORM pg_notify('${channel}', g) FROM unnest(woken) AS g;
  END IF;`,
})}`,
    ],
    [
      'trail',
      // The message trail (ADR 0041): a message names its conversation, found by it or by its key; the inbox
      // records the conversation of what it handled. The four-argument publish stays for a process of the
      // previous version during an upgrade (its messages are simply not in the trail).
      (s) => `
ALTER TABLE ${s}.messages ADD COLUMN correlation_id text;
CREATE INDEX messages_correlation_idx ON ${s}.messages (correlation_id);
CREATE INDEX messages_key_idx ON ${s}.messages (key);
${inboxTrailSql(schema)}
${tracedPublishFunction(s, channel)}`,
    ],
    // The publisher's statement runs once per publishing transaction: its planning is worth keeping.
    ['plan_once', (s) => planOnce(`${s}.publish(text[], text[], text[], text[], text[])`)],
    [
      'types',
      // A group that handles only some types of its subjects (`Subscription.types`) gets deliveries of those
      // only: each other one cost a delivery row, a claim and an ack for its handler to drop. NULL: every
      // type. The message's type comes as an argument: reading it from the envelope would parse the JSON,
      // which refuses some text a message must still be stored with (to be dead-lettered by its consumers).
      // The five-argument publish stays for a process of the previous version during an upgrade.
      (s) => `
ALTER TABLE ${s}.groups ADD COLUMN types text[];
${tracedPublishFunction(s, channel, true)}${planOnce(`${s}.publish(text[], text[], text[], text[], text[], text[])`)}`,
    ],
  ]);
}

/**
 * The text of `publish`, as its released versions write it: the batch deduplicated by id, its new messages
 * inserted in order and one delivery per group whose pattern matches the subject; then `notify`, which counts
 * what was published and notifies. `delivered` is what the insert of deliveries returns for `notify` to read.
 */
function publishFunction(
  s: string,
  version: { create: string; variables: readonly string[]; delivered: string; notify: string },
): string {
  return `${version.create} FUNCTION ${s}.publish(p_ids text[], p_subjects text[], p_keys text[], p_envelopes text[])
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
${version.variables.map((variable) => `  ${variable};\n`).join('')}BEGIN
  WITH input AS (
    SELECT DISTINCT ON (x.id) x.id, x.subject, x.key, x.envelope, x.n
      FROM unnest(p_ids, p_subjects, p_keys, p_envelopes) WITH ORDINALITY AS x(id, subject, key, envelope, n)
     ORDER BY x.id, x.n
  ), inserted AS (
    INSERT INTO ${s}.messages (id, subject, key, envelope)
    SELECT i.id, i.subject, i.key, i.envelope::json FROM input i ORDER BY i.n
    ON CONFLICT (id) DO NOTHING
    RETURNING position, subject, key
  ), delivered AS (
    INSERT INTO ${s}.deliveries (group_name, position, key)
    SELECT DISTINCT g.name, m.position, m.key
      FROM inserted m
      JOIN ${s}.groups g
        ON g.pattern = m.subject
        OR (right(g.pattern, 1) = '>'
            AND length(m.subject) > length(g.pattern) - 1
            AND starts_with(m.subject, left(g.pattern, -1)))
    RETURNING ${version.delivered}
  )
${version.notify}
  RETURN published;
END
$fn$;
`;
}

/**
 * The text of the five-argument `publish` (the message trail's) as its released version writes it, or, `typed`,
 * the six-argument one that also takes each message's type and leaves out the groups that do not handle it.
 */
function tracedPublishFunction(s: string, channel: string, typed = false): string {
  return `CREATE FUNCTION ${s}.publish(p_ids text[], p_subjects text[], p_keys text[], p_envelopes text[],
                             p_correlations text[]${typed ? ', p_types text[]' : ''})
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  published integer;
  woken text[];
BEGIN
  WITH input AS (
    SELECT DISTINCT ON (x.id) x.id, x.subject, x.key, x.envelope, x.correlation_id, ${typed ? 'x.type, ' : ''}x.n
      FROM unnest(p_ids, p_subjects, p_keys, p_envelopes, p_correlations${typed ? ', p_types' : ''})
           WITH ORDINALITY AS x(id, subject, key, envelope, correlation_id, ${typed ? 'type, ' : ''}n)
     ORDER BY x.id, x.n
  ), inserted AS (
    INSERT INTO ${s}.messages (id, subject, key, envelope, correlation_id)
    SELECT i.id, i.subject, i.key, i.envelope::json, i.correlation_id FROM input i ORDER BY i.n
    ON CONFLICT (id) DO NOTHING
    RETURNING position, ${typed ? 'id, ' : ''}subject, key
  ), delivered AS (
    INSERT INTO ${s}.deliveries (group_name, position, key)
    SELECT DISTINCT g.name, m.position, m.key
      FROM inserted m${typed ? '\n      JOIN input i ON i.id = m.id' : ''}
      JOIN ${s}.groups g
        ON g.pattern = m.subject
        OR (right(g.pattern, 1) = '>'
            AND length(m.subject) > length(g.pattern) - 1
            AND starts_with(m.subject, left(g.pattern, -1)))${typed ? '\n     WHERE g.types IS NULL OR i.type = ANY (g.types)' : ''}
    RETURNING group_name
  )
  SELECT (SELECT count(*) FROM inserted), (SELECT array_agg(DISTINCT group_name) FROM delivered)
    INTO published, woken;
  IF woken IS NOT NULL THEN
    PERFORM pg_notify('${channel}', g) FROM unnest(woken) AS g;
  END IF;
  RETURN published;
END
$fn$;
`;
}
