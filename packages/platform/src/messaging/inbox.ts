import { identifier } from '../sql/errors.js';
import type { SqlClient } from '../sql/index.js';

/**
 * The inbox (ADR 0008): every handling records `(group, message id)` in the transaction that runs the
 * handler, so a message is handled once per group whatever the broker redelivers. Both brokers wrap every
 * handler with it; there is no way to subscribe without it.
 *
 * Retention: a row is kept `retentionMs` after its handling (default 7 days), then pruned. A duplicate that
 * arrives later than that is handled again. Keep it well above the longest time a message can take to be
 * redelivered: the JetStream ack wait times the attempts, a re-drive of a dead letter (which is a new
 * delivery and is meant to run), or a relay that was down.
 */
export const DEFAULT_INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** How often a broker prunes: a quarter of the retention, between 1 s and 1 h (a tiny retention must not hammer the database). */
export const pruneEvery = (retentionMs: number) => Math.min(Math.max(retentionMs / 4, 1_000), 3_600_000);

export function inboxTableSql(schema: string): string {
  const s = identifier(schema);
  return `
CREATE TABLE ${s}.inbox (
  group_name  text        NOT NULL,
  message_id  text        NOT NULL,
  handled_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_name, message_id)
);
CREATE INDEX inbox_handled_at_idx ON ${s}.inbox (handled_at);`;
}

/**
 * The inbox's part of the message trail (ADR 0041): each row also names the conversation of the message it
 * records, so that the handlings of one conversation are found by its correlation id.
 */
export function inboxTrailSql(schema: string): string {
  const s = identifier(schema);
  return `
ALTER TABLE ${s}.inbox ADD COLUMN correlation_id text;
CREATE INDEX inbox_correlation_idx ON ${s}.inbox (correlation_id);`;
}

/** What the inbox records of a message: its id, and the conversation it belongs to (for the trail). */
export interface InboxEntry {
  readonly id: string;
  readonly correlationId: string;
}

export interface Inbox {
  /**
   * In the handling's transaction: true the first time `group` sees `messageId`. False for a duplicate;
   * a concurrent duplicate waits on the first one's row lock and then sees false (or true if it rolled back).
   */
  firstTime(group: string, message: InboxEntry): Promise<boolean>;
  /**
   * `firstTime` for a batch, on a condition (an SQL boolean whose parameters are numbered from $4), in one
   * statement: the ids seen for the first time, or undefined, and nothing recorded, when it does not hold.
   */
  firstTimesIf(
    group: string,
    messages: readonly InboxEntry[],
    condition: { sql: string; params: readonly unknown[] },
  ): Promise<ReadonlySet<string> | undefined>;
  /** Deletes what is older than the retention; resolves to how many rows went. */
  prune(): Promise<number>;
  /** Prunes every `everyMs` until stopped (unref'd: it never keeps a process alive). */
  startPruning(everyMs: number, onError: (error: unknown) => void): () => void;
}

export function createInbox(db: SqlClient, schema: string, retentionMs = DEFAULT_INBOX_RETENTION_MS): Inbox {
  if (!(retentionMs > 0)) throw new Error('the inbox retention must be a positive number of milliseconds');
  const s = identifier(schema);
  const insert = `INSERT INTO ${s}.inbox (group_name, message_id, correlation_id) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING`;
  const prune = `DELETE FROM ${s}.inbox WHERE handled_at < now() - $1 * interval '1 millisecond'`;
  const inbox: Inbox = {
    async firstTime(group, message) {
      const { rowCount } = await db.query(insert, [group, message.id, message.correlationId]);
      return rowCount === 1;
    },
    async firstTimesIf(group, messages, condition) {
      // A redelivery can sit in the same batch as the delivery it repeats: each id once.
      const unique = new Map(messages.map((message) => [message.id, message.correlationId]));
      const { rows } = await db.query<{ held: boolean; firsts: string[] }>(
        `WITH condition AS MATERIALIZED (SELECT ${condition.sql} AS held),
         written AS (
           INSERT INTO ${s}.inbox (group_name, message_id, correlation_id)
           SELECT $1, m.id, m.correlation_id FROM unnest($2::text[], $3::text[]) AS m(id, correlation_id)
            WHERE (SELECT held FROM condition)
           ON CONFLICT DO NOTHING RETURNING message_id)
         SELECT (SELECT held FROM condition) AS held, ARRAY(SELECT message_id FROM written) AS firsts`,
        [group, [...unique.keys()], [...unique.values()], ...condition.params],
      );
      const row = rows[0];
      return row?.held ? new Set(row.firsts) : undefined;
    },
    async prune() {
      const { rowCount } = await db.query(prune, [retentionMs]);
      return rowCount;
    },
    startPruning(everyMs, onError) {
      const timer = setInterval(() => {
        inbox.prune().catch(onError);
      }, everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
  return inbox;
}
