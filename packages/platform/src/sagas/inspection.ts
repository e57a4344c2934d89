import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../ddd/index.js';
import type { SqlClient } from '../sql/index.js';
import type { SagaStatus } from './definition.js';
import type { HistoryEvent } from './saga-core.js';
import { DEFAULT_SAGA_SCHEMA } from './schema.js';
import { INSTANCE_COLUMNS, instanceOf, type StoredInstance, sagaSchema } from './store.js';

export type SagaSummary = Omit<StoredInstance, 'data' | 'deadlines'>;

export interface SagaHistoryEntry {
  readonly at: Date;
  readonly step?: number;
  readonly event: HistoryEvent;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface SagaPage {
  readonly instances: readonly SagaSummary[];
  /** Pass it as `after` for the next page; absent on the last. */
  readonly next?: string;
}

/** The largest page, as every list of the platform (ddd/pages.ts). */
export const MAX_SAGA_PAGE = PAGE_LIMIT_MAX;

// Newest first; the cursor is the last row's sort key, so pages stay stable while instances start.
const cursorOf = (instance: StoredInstance) =>
  Buffer.from(JSON.stringify([instance.startedAt.toISOString(), instance.saga, instance.id])).toString(
    'base64url',
  );

function parseCursor(after: string): [string, string, string] {
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 3 && value.every((part) => typeof part === 'string')) {
      if (!Number.isNaN(Date.parse(value[0] as string))) return value as [string, string, string];
    }
  } catch {
    // Falls through to the error below.
  }
  throw new Error('not a cursor this listing gave');
}

/** Read-only views of the instances in `schema` (as the coordinator was given), for operators and tests. */
export function sagaInspection(db: Pick<SqlClient, 'query'>, schema = DEFAULT_SAGA_SCHEMA) {
  const s = sagaSchema(schema);
  return {
    /** @throws when `after` is not a cursor of this listing. */
    async list(
      filter: { saga?: string; status?: SagaStatus; limit?: number; after?: string } = {},
    ): Promise<SagaPage> {
      const limit = Math.min(Math.max(filter.limit ?? PAGE_LIMIT_DEFAULT, 1), MAX_SAGA_PAGE);
      const cursor = filter.after === undefined ? undefined : parseCursor(filter.after);
      const { rows } = await db.query<Parameters<typeof instanceOf>[0]>(
        `SELECT ${INSTANCE_COLUMNS} FROM ${s}.instances
         WHERE ($1::text IS NULL OR saga = $1) AND ($2::text IS NULL OR status = $2)
           AND ($3::timestamptz IS NULL OR (started_at, saga, id) < ($3::timestamptz, $4::text, $5::text))
         ORDER BY started_at DESC, saga DESC, id DESC LIMIT $6`,
        [
          filter.saga ?? null,
          filter.status ?? null,
          cursor?.[0] ?? null,
          cursor?.[1] ?? null,
          cursor?.[2] ?? null,
          limit + 1,
        ],
      );
      const instances = rows.slice(0, limit).map(instanceOf);
      return {
        instances: instances.map(({ data: _data, deadlines: _deadlines, ...summary }) => summary),
        ...(rows.length > limit ? { next: cursorOf(instances[instances.length - 1]!) } : {}),
      };
    },

    async get(
      saga: string,
      id: string,
    ): Promise<(StoredInstance & { history: SagaHistoryEntry[] }) | undefined> {
      const { rows } = await db.query<Parameters<typeof instanceOf>[0]>(
        `SELECT ${INSTANCE_COLUMNS} FROM ${s}.instances WHERE saga = $1 AND id = $2`,
        [saga, id],
      );
      if (!rows[0]) return undefined;
      const history = await db.query<{
        at: Date | string;
        step: number | null;
        event: HistoryEvent;
        detail: Record<string, unknown> | null;
      }>(`SELECT at, step, event, detail FROM ${s}.history WHERE saga = $1 AND id = $2 ORDER BY seq`, [
        saga,
        id,
      ]);
      return {
        ...instanceOf(rows[0]),
        history: history.rows.map((row) => ({
          at: new Date(row.at),
          ...(row.step === null ? {} : { step: row.step }),
          event: row.event,
          ...(row.detail === null ? {} : { detail: row.detail }),
        })),
      };
    },
  };
}

export type SagaInspection = ReturnType<typeof sagaInspection>;
