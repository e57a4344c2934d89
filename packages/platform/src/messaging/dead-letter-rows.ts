import { mapPage, type Page, type PageRequest, pageOf } from '../ddd/index.js';
import { timestampKey } from '../sql/keyset.js';
import { isUuid } from '../sql/versioned-rows.js';
import type { DeadLetter } from './broker.js';

/** A dead letter as both brokers' queries return it (their tables differ, their answers do not). */
export interface DeadLetterRow {
  id: string;
  group_name: string;
  message_id: string;
  subject: string;
  /** Null: the type is read from the envelope here (see `typeOf`). */
  type: string | null;
  reason: string;
  attempts: number;
  dead_at: Date | string;
  /** The stored message as text: never read with json operators, which fail on some of what it may hold. */
  envelope: string;
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  const envelope = parsed(row.envelope);
  return {
    id: row.id,
    group: row.group_name,
    messageId: row.message_id,
    subject: row.subject,
    type: row.type ?? typeOf(envelope),
    reason: row.reason,
    attempts: row.attempts,
    deadAt: new Date(row.dead_at),
    envelope,
  };
}

/**
 * The message type, read in JavaScript: PostgreSQL's `envelope->>'type'` fails on the whole envelope when any
 * of its text holds a `\u0000` or a lone surrogate escape, and one such message would make every listing fail.
 */
function typeOf(envelope: unknown): string {
  const type = typeof envelope === 'object' && envelope !== null ? (envelope as { type?: unknown }).type : '';
  return typeof type === 'string' ? type : '';
}

/** Stored json is JSON, but a dead letter is shown whatever it holds: as its text if it will not parse. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The parts of a page query both brokers share, for their dead-at and id columns: a row's key (its time to the
 * microsecond, and its id), the keyset condition on parameters $2 and $3, and the order.
 */
export const deadLetterPaging = (deadAt: string, id: string) => ({
  key: `${timestampKey(deadAt)} AS key_at`,
  after: `($2::timestamptz IS NULL OR (${deadAt}, ${id}) > ($2, $3::uuid))`,
  order: `ORDER BY ${deadAt}, ${id}`,
});

/** The parameters of a page query after its group ($1): where it starts, and one row more than the page. */
export const pageParameters = ({ limit, after }: PageRequest) => [
  after?.[0] ?? null,
  after?.[1] ?? null,
  limit + 1,
];

export const toDeadLetterPage = (
  rows: Array<DeadLetterRow & { key_at: string }>,
  limit: number,
): Page<DeadLetter> =>
  mapPage(
    pageOf(rows, limit, (row) => [row.key_at, row.id]),
    toDeadLetter,
  );

/** Dead letter ids are uuids (the columns' type): anything else names no dead letter. */
export const isDeadLetterId = isUuid;
