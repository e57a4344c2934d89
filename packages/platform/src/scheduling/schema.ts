import { identifier } from '../sql/errors.js';
import { type MigrationSet, schemaMigrations } from '../sql/index.js';

/** The channel notified when a deadline is scheduled; the payload is its due time in epoch ms. */
export const deadlinesChannel = (schema: string) => `${schema}_deadlines`;

/**
 * The pending deadlines (ADR 0011): one row per id, deleted in the transaction that publishes it. Fired
 * deadlines leave no row: the broker's log and inboxes already remember what was published. A deadline
 * scheduled inside a traced piece of work keeps its trace headers (null otherwise, and for older rows).
 */
export function deadlineMigrations(schema = 'scheduling'): MigrationSet {
  identifier(deadlinesChannel(schema));
  return schemaMigrations(schema, 'deadlines', [
    [
      'deadlines',
      (s) => `
CREATE TABLE ${s}.deadlines (
  id            text        PRIMARY KEY,
  due_at        timestamptz NOT NULL,
  envelope      json        NOT NULL,
  scheduled_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deadlines_due_idx ON ${s}.deadlines (due_at, id);
`,
    ],
    // The trace headers of the work that scheduled it: its firing is a child of that work (ADR 0045).
    ['trace_headers', (s) => `\nALTER TABLE ${s}.deadlines ADD COLUMN trace_headers json;\n`],
  ]);
}
