import { identifier } from '../sql/errors.js';
import type { SqlClient } from '../sql/index.js';
import type { SagaStatus } from './definition.js';
import type { HistoryEntry, OutgoingCommand } from './saga-core.js';
import { DEFAULT_SAGA_SCHEMA } from './schema.js';

/** An instance as stored: the pure core's instance plus what only persistence needs. */
export interface StoredInstance {
  readonly saga: string;
  readonly id: string;
  readonly step: number;
  readonly status: SagaStatus;
  readonly data: unknown;
  readonly awaiting?: string;
  readonly deadlines: readonly string[];
  readonly version: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

interface InstanceRow {
  saga: string;
  id: string;
  step: number;
  status: SagaStatus;
  data: unknown;
  awaiting_command: string | null;
  deadlines: string[] | null;
  version: number;
  started_at: Date | string;
  updated_at: Date | string;
}

/** The schema of a coordinator's tables, checked and quoted for the SQL built on it. */
export const sagaSchema = (schema: string) => identifier(schema);

export const INSTANCE_COLUMNS =
  'saga, id, step, status, data, awaiting_command, deadlines, version, started_at, updated_at';

/** The same columns, of the instances table joined as `i`. */
const JOINED_INSTANCE_COLUMNS = INSTANCE_COLUMNS.split(', ')
  .map((column) => `i.${column}`)
  .join(', ');

export const instanceOf = (row: InstanceRow): StoredInstance => ({
  saga: row.saga,
  id: row.id,
  step: row.step,
  status: row.status,
  data: row.data,
  ...(row.awaiting_command ? { awaiting: row.awaiting_command } : {}),
  deadlines: row.deadlines ?? [],
  version: row.version,
  startedAt: new Date(row.started_at),
  updatedAt: new Date(row.updated_at),
});

type Next = Pick<StoredInstance, 'step' | 'status' | 'data' | 'awaiting' | 'deadlines'>;

/** The parameters $1 to $8 of an insert or update of an instance: its key, what it moves to, and when. */
const instanceParams = (saga: string, id: string, next: Next, now: Date) => [
  saga,
  id,
  next.step,
  next.status,
  JSON.stringify(next.data ?? null),
  next.awaiting ?? null,
  next.deadlines,
  now,
];

/**
 * The coordinator's SQL, on the tables `sagaMigrations(schema)` made. Every method joins the ambient
 * transaction (the handling's, or the trigger's).
 */
export function sagaStore(db: SqlClient, schema = DEFAULT_SAGA_SCHEMA) {
  const s = sagaSchema(schema);
  return {
    /** Locks the row: one message at a time moves an instance, whatever the broker's key. */
    async load(saga: string, id: string): Promise<StoredInstance | undefined> {
      const { rows } = await db.query<InstanceRow>(
        `SELECT ${INSTANCE_COLUMNS} FROM ${s}.instances WHERE saga = $1 AND id = $2 FOR UPDATE`,
        [saga, id],
      );
      return rows[0] && instanceOf(rows[0]);
    },

    /**
     * The instance of `saga` that sent a command, locked, in one statement (the command's row, then the
     * instance's, would be two round trips): how a reply or a timeout finds what it moves.
     */
    async loadSender(saga: string, commandId: string): Promise<StoredInstance | undefined> {
      const { rows } = await db.query<InstanceRow>(
        `SELECT ${JOINED_INSTANCE_COLUMNS}
           FROM ${s}.commands c JOIN ${s}.instances i ON i.saga = c.saga AND i.id = c.id
          WHERE c.command_id = $1 AND c.saga = $2
            FOR UPDATE OF i`,
        [commandId, saga],
      );
      return rows[0] && instanceOf(rows[0]);
    },

    /** False when the instance exists already. */
    async insert(saga: string, id: string, next: Next, now: Date): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO ${s}.instances (saga, id, step, status, data, awaiting_command, deadlines, version, started_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::text[], 1, $8, $8)
         ON CONFLICT (saga, id) DO NOTHING`,
        instanceParams(saga, id, next, now),
      );
      return rowCount === 1;
    },

    /**
     * At once, not with the COMMIT: a broker may handle several messages in one transaction (NATS lanes do),
     * and the next move of the same instance loads what this one wrote (ADR 0051).
     */
    async update(before: StoredInstance, next: Next, now: Date): Promise<void> {
      const { rowCount } = await db.query(
        `UPDATE ${s}.instances SET step = $3, status = $4, data = $5::jsonb, awaiting_command = $6,
           deadlines = $7::text[], version = version + 1, updated_at = $8
         WHERE saga = $1 AND id = $2 AND version = $9`,
        [...instanceParams(before.saga, before.id, next, now), before.version],
      );
      // The row is locked, so this means a writer that did not lock it: retry the message.
      if (rowCount !== 1) throw new Error(`saga ${before.saga} ${before.id} changed concurrently`);
    },

    /** With the COMMIT (one write): nothing in the move reads its history back. */
    async record(saga: string, id: string, entries: readonly HistoryEntry[], now: Date): Promise<void> {
      if (entries.length === 0) return;
      await db.atCommit(
        `INSERT INTO ${s}.history (saga, id, at, step, event, detail)
         SELECT $1, $2, $3, e.step, e.event, e.detail
         FROM jsonb_to_recordset($4::jsonb) AS e(step integer, event text, detail jsonb)`,
        [
          saga,
          id,
          now,
          JSON.stringify(
            entries.map((e) => ({ step: e.step ?? null, event: e.event, detail: e.detail ?? null })),
          ),
        ],
      );
    },

    /** One statement for all of a move's commands, with the COMMIT: a reply comes in a later transaction. */
    async sent(saga: string, id: string, commands: readonly OutgoingCommand[], now: Date): Promise<void> {
      if (commands.length === 0) return;
      await db.atCommit(
        `INSERT INTO ${s}.commands (command_id, saga, id, step, type, sent_at)
         SELECT c.command_id, $1, $2, c.step, c.type, $3
           FROM unnest($4::text[], $5::integer[], $6::text[]) AS c(command_id, step, type)
         ON CONFLICT (command_id) DO NOTHING`,
        [
          saga,
          id,
          now,
          commands.map((command) => command.id),
          commands.map((command) => command.step),
          commands.map((command) => command.type),
        ],
      );
    },

    /** The instance that sent a command, to route its reply or timeout. */
    async senderOf(commandId: string): Promise<{ saga: string; id: string } | undefined> {
      const { rows } = await db.query<{ saga: string; id: string }>(
        `SELECT saga, id FROM ${s}.commands WHERE command_id = $1`,
        [commandId],
      );
      return rows[0];
    },
  };
}

export type SagaStore = ReturnType<typeof sagaStore>;
