import { mapPage, type Page, type PageRequest, pageOf } from '../ddd/index.js';
import type { SqlClient } from '../sql/index.js';
import { timestampKey } from '../sql/keyset.js';
import { isUuid } from '../sql/versioned-rows.js';
import type { DeadLetter, DeadLetters } from './broker.js';

/** A dead letter as both brokers' queries return it (their tables differ, their answers do not). */
interface DeadLetterRow {
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

function toDeadLetter(row: DeadLetterRow): DeadLetter {
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

/** The parameters of a page query after its group ($1): where it starts, and one row more than the page. */
const pageParameters = ({ limit, after }: PageRequest) => [after?.[0] ?? null, after?.[1] ?? null, limit + 1];

const toDeadLetterPage = (rows: Array<DeadLetterRow & { key_at: string }>, limit: number): Page<DeadLetter> =>
  mapPage(
    pageOf(rows, limit, (row) => [row.key_at, row.id]),
    toDeadLetter,
  );

/**
 * How both brokers read their dead letters (their tables differ, their answers do not): `from` names the dead
 * letters table `dl` (with whatever it joins), and `columns` selects a `DeadLetterRow` from it.
 */
export function deadLetterReads(
  db: SqlClient,
  source: { readonly columns: string; readonly from: string },
): Pick<DeadLetters, 'list' | 'page' | 'get'> {
  const select = `SELECT ${source.columns}`;
  const ofGroup = `($1::text IS NULL OR dl.group_name = $1)`;
  const order = 'ORDER BY dl.dead_at, dl.id';
  // A row's key is its time to the microsecond and its id, after the key in $2 and $3.
  const page = `${select}, ${timestampKey('dl.dead_at')} AS key_at FROM ${source.from}
     WHERE ${ofGroup} AND ($2::timestamptz IS NULL OR (dl.dead_at, dl.id) > ($2, $3::uuid))
     ${order} LIMIT $4::int`;
  return {
    async list(group, options) {
      // LIMIT NULL is no limit.
      const { rows } = await db.query<DeadLetterRow>(
        `${select} FROM ${source.from} WHERE ${ofGroup} ${order} LIMIT $2::int`,
        [group ?? null, options?.limit ?? null],
      );
      return rows.map(toDeadLetter);
    },
    async page(group, request) {
      const { rows } = await db.query<DeadLetterRow & { key_at: string }>(page, [
        group ?? null,
        ...pageParameters(request),
      ]);
      return toDeadLetterPage(rows, request.limit);
    },
    async get(id) {
      // Not a uuid: no dead letter has it, and the cast would fail.
      if (!isDeadLetterId(id)) return undefined;
      const { rows } = await db.query<DeadLetterRow>(`${select} FROM ${source.from} WHERE dl.id = $1::uuid`, [
        id,
      ]);
      return rows[0] && toDeadLetter(rows[0]);
    },
  };
}

/** Dead letter ids are uuids (the columns' type): anything else names no dead letter. */
export const isDeadLetterId = isUuid;
