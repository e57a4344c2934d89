import { identifier } from '../sql/errors.js';
import { inOneSnapshot, type SqlClient } from '../sql/index.js';

/**
 * The message trail (ADR 0041): what a process's broker sent and handled, by conversation. Both brokers write
 * it in the transactions they run anyway: a message's headers with its outbox write (the embedded broker's log
 * row, the NATS broker's `sent_messages`), and its handling with its inbox row. A conversation's messages,
 * across every module, are then found by their correlation id in each process's database, and put in causal
 * order (causation id → parent) by whoever asks them all: the operations console.
 */
export interface MessageTrail {
  /** What this process's database knows of one conversation: the messages sent from here, what was handled here. */
  flow(correlationId: string, options?: { readonly limit?: number }): Promise<Flow>;
  /** The conversations in which this process sent a message with this key (an order's id), the latest first. */
  conversations(key: string, options?: { readonly limit?: number }): Promise<Conversation[]>;
  /** Deletes what is older than the broker's retention (as the broker does on its own); resolves to the rows gone. */
  prune(): Promise<number>;
}

/** A message as sent: its headers, never its data (which may hold anyone's details). */
export interface FlowMessage {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly key: string;
  readonly source: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly replyTo?: string;
  /** When the broker took it (the outbox write committed with the sender's change). */
  readonly sentAt: Date;
  /** The trace it was sent in (its `traceparent`'s): where its sending and its handlings are spans. */
  readonly traceId?: string;
}

/** What became of a message in one consumer group of this process. */
export interface FlowHandling {
  readonly messageId: string;
  readonly group: string;
  /** `pending`: not handled yet, maybe retried (the embedded broker knows; NATS keeps that in its stream). */
  readonly outcome: 'handled' | 'dead_lettered' | 'pending';
  /** When it was handled, dead-lettered, or (pending) when it is next tried. */
  readonly at: Date;
  /** Failed attempts so far (dead letters and pending retries). */
  readonly attempts?: number;
  /** Why it was dead-lettered. */
  readonly reason?: string;
  /** The dead letter to inspect or re-drive. */
  readonly deadLetterId?: string;
}

export interface Flow {
  readonly correlationId: string;
  readonly messages: readonly FlowMessage[];
  readonly handlings: readonly FlowHandling[];
  /** More messages or handlings than the limit: the oldest are shown. */
  readonly truncated: boolean;
}

export interface Conversation {
  readonly correlationId: string;
  /** When the first and the last message with the key were sent in it (from this process). */
  readonly firstAt: Date;
  readonly lastAt: Date;
}

export const DEFAULT_FLOW_LIMIT = 1_000;
export const DEFAULT_CONVERSATIONS_LIMIT = 20;

type Timestamp = Date | string;
interface HandlingRow {
  message_id: string;
  group_name: string;
  outcome: FlowHandling['outcome'];
  at: Timestamp;
  attempts: number | null;
  reason: string | null;
  dead_letter_id: string | null;
}

const handlingOf = (row: HandlingRow): FlowHandling => ({
  messageId: row.message_id,
  group: row.group_name,
  outcome: row.outcome,
  at: new Date(row.at),
  ...(row.attempts === null ? {} : { attempts: row.attempts }),
  ...(row.reason === null ? {} : { reason: row.reason }),
  ...(row.dead_letter_id === null ? {} : { deadLetterId: row.dead_letter_id }),
});

/** The trace id of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`); none for an invalid one. */
const traceIdOf = (traceparent: string | null | undefined) => {
  const traceId = traceparent?.match(/^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/)?.[1];
  return traceId === undefined || /^0+$/.test(traceId) ? undefined : traceId;
};

const withoutNulls = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)) as T;

/** How each broker reads its trail: where the sent messages are, and the handlings of a conversation. */
interface TrailSql {
  /** Rows of `SentRow` for a conversation ($1), oldest first, at most $2. */
  readonly sent: string;
  /** Rows of `HandlingRow` for a conversation ($1), at most $2. */
  readonly handled: string;
  /** Conversations ($1 the key, $2 the limit): correlation_id, first_at, last_at. */
  readonly conversations: string;
  /** Statements deleting what is older than $1 ms. */
  readonly prune: readonly string[];
}

interface SentRow {
  message_id: string;
  sent_at: Timestamp;
  /** The embedded broker's log row holds the whole envelope, read here (never with json operators). */
  envelope?: string;
  type?: string;
  subject?: string;
  key?: string;
  source?: string;
  correlation_id?: string;
  causation_id?: string | null;
  reply_to?: string | null;
  traceparent?: string | null;
}

function sentOf(row: SentRow): FlowMessage {
  if (row.envelope !== undefined) {
    const envelope = JSON.parse(row.envelope) as Record<string, string | undefined>;
    return withoutNulls({
      id: row.message_id,
      type: envelope.type ?? '',
      subject: envelope.subject ?? '',
      key: envelope.key ?? '',
      source: envelope.source ?? '',
      correlationId: envelope.correlationId ?? '',
      causationId: envelope.causationId,
      replyTo: envelope.replyTo,
      sentAt: new Date(row.sent_at),
      traceId: traceIdOf(envelope.traceparent),
    });
  }
  return withoutNulls({
    id: row.message_id,
    type: row.type ?? '',
    subject: row.subject ?? '',
    key: row.key ?? '',
    source: row.source ?? '',
    correlationId: row.correlation_id ?? '',
    causationId: row.causation_id ?? undefined,
    replyTo: row.reply_to ?? undefined,
    sentAt: new Date(row.sent_at),
    traceId: traceIdOf(row.traceparent),
  });
}

function trailOf(db: SqlClient, sql: TrailSql, retentionMs: number): MessageTrail {
  return {
    async flow(correlationId, options = {}) {
      const limit = options.limit ?? DEFAULT_FLOW_LIMIT;
      // Two reads in one snapshot: a handling commits with what it sent, and read apart a commit between them
      // would show a delivery still pending beside the message its handling sent (or the other way round).
      const read = async () => ({
        handled: (await db.query<HandlingRow>(sql.handled, [correlationId, limit + 1])).rows,
        sent: (await db.query<SentRow>(sql.sent, [correlationId, limit + 1])).rows,
      });
      const { handled, sent } = await inOneSnapshot(db, read);
      return {
        correlationId,
        messages: sent.slice(0, limit).map(sentOf),
        handlings: handled.slice(0, limit).map(handlingOf),
        truncated: sent.length > limit || handled.length > limit,
      };
    },
    async conversations(key, options = {}) {
      const { rows } = await db.query<{ correlation_id: string; first_at: Timestamp; last_at: Timestamp }>(
        sql.conversations,
        [key, options.limit ?? DEFAULT_CONVERSATIONS_LIMIT],
      );
      return rows.map((row) => ({
        correlationId: row.correlation_id,
        firstAt: new Date(row.first_at),
        lastAt: new Date(row.last_at),
      }));
    },
    async prune() {
      let gone = 0;
      for (const statement of sql.prune) gone += (await db.query(statement, [retentionMs])).rowCount;
      return gone;
    },
  };
}

const olderThan = (column: string) => `${column} < now() - $1 * interval '1 millisecond'`;

/** The inbox's rows of a conversation, as handlings. */
const handledInInbox = (s: string) => `
  SELECT message_id, group_name, 'handled' AS outcome, handled_at AS at,
         NULL::int AS attempts, NULL AS reason, NULL::uuid AS dead_letter_id
    FROM ${s}.inbox WHERE correlation_id = $1`;

/**
 * The embedded broker's trail: its log (`messages`, kept for the retention once handled) is what was sent;
 * the inbox, the deliveries still pending and the dead letters are what became of each message.
 */
export function embeddedTrail(db: SqlClient, schema: string, retentionMs: number): MessageTrail {
  const s = identifier(schema);
  return trailOf(
    db,
    {
      sent: `SELECT id AS message_id, published_at AS sent_at, envelope::text AS envelope
               FROM ${s}.messages WHERE correlation_id = $1 ORDER BY position LIMIT $2`,
      handled: `${handledInInbox(s)}
        UNION ALL
        SELECT m.id, d.group_name, 'pending', d.available_at, d.attempts, NULL, NULL
          FROM ${s}.deliveries d JOIN ${s}.messages m ON m.position = d.position WHERE m.correlation_id = $1
        UNION ALL
        SELECT m.id, dl.group_name, 'dead_lettered', dl.dead_at, dl.attempts, dl.reason, dl.id
          FROM ${s}.dead_letters dl JOIN ${s}.messages m ON m.position = dl.position WHERE m.correlation_id = $1
        ORDER BY at LIMIT $2`,
      conversations: `SELECT correlation_id, min(published_at) AS first_at, max(published_at) AS last_at
          FROM ${s}.messages WHERE key = $1 AND correlation_id IS NOT NULL
         GROUP BY correlation_id ORDER BY last_at DESC LIMIT $2`,
      // The log's own pruning keeps what is still to be delivered or dead (embedded/broker.ts).
      prune: [
        `DELETE FROM ${s}.inbox WHERE ${olderThan('handled_at')}`,
        `DELETE FROM ${s}.messages m WHERE ${olderThan('m.published_at')}
           AND NOT EXISTS (SELECT 1 FROM ${s}.deliveries d WHERE d.position = m.position)
           AND NOT EXISTS (SELECT 1 FROM ${s}.dead_letters l WHERE l.position = m.position)`,
      ],
    },
    retentionMs,
  );
}

/**
 * The NATS broker's trail: the headers of what was sent (`sent_messages`, written with the outbox rows, which
 * go once relayed), the inbox and the dead letters. What waits in JetStream is not known here.
 */
export function natsTrail(db: SqlClient, schema: string, retentionMs: number): MessageTrail {
  const s = identifier(schema);
  return trailOf(
    db,
    {
      sent: `SELECT message_id, sent_at, type, subject, key, source, correlation_id, causation_id, reply_to,
                    traceparent
               FROM ${s}.sent_messages WHERE correlation_id = $1 ORDER BY sent_at LIMIT $2`,
      handled: `${handledInInbox(s)}
        UNION ALL
        SELECT message_id, group_name, 'dead_lettered', dead_at, attempts, reason, id
          FROM ${s}.dead_letters WHERE correlation_id = $1
        ORDER BY at LIMIT $2`,
      conversations: `SELECT correlation_id, min(sent_at) AS first_at, max(sent_at) AS last_at
          FROM ${s}.sent_messages WHERE key = $1
         GROUP BY correlation_id ORDER BY last_at DESC LIMIT $2`,
      prune: [
        `DELETE FROM ${s}.inbox WHERE ${olderThan('handled_at')}`,
        `DELETE FROM ${s}.sent_messages WHERE ${olderThan('sent_at')}`,
      ],
    },
    retentionMs,
  );
}

/** The headers the NATS broker keeps of each message it sends, as one JSON parameter of the outbox write. */
export const trailHeaders = (
  envelopes: ReadonlyArray<{
    id: string;
    type: string;
    subject: string;
    key: string;
    source: string;
    correlationId: string;
    causationId?: string;
    replyTo?: string;
    traceparent?: string;
  }>,
) =>
  // Only text the envelope check found storable: json_to_recordset reads it without failing on an escape.
  JSON.stringify(
    envelopes.map((e) => ({
      id: e.id,
      type: e.type,
      subject: e.subject,
      key: e.key,
      source: e.source,
      correlation_id: e.correlationId,
      causation_id: e.causationId ?? null,
      reply_to: e.replyTo ?? null,
      traceparent: e.traceparent ?? null,
    })),
  );
