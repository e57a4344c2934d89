import { identifier } from '../sql/errors.js';
import type { MigrationSet } from '../sql/index.js';

/** Where the coordinator keeps its tables unless told otherwise (the first applications' shared schema). */
export const DEFAULT_SAGA_SCHEMA = 'sagas';

/**
 * The coordinator's tables, in `schema`: one row per instance (saga or process manager), its history, and
 * the commands it sent, by which a reply or a timeout finds its instance (a reply's causation is the
 * command's id; the key is the participant's, not the saga's). A saga that is a context of its own keeps them
 * in its own schema (its private datastore), so that two such contexts in one database never share a table.
 * The default schema's set keeps its released name and text (`sagas`); another's is `<schema>.sagas`.
 */
export function sagaMigrations(schema = DEFAULT_SAGA_SCHEMA): MigrationSet {
  // Checked like every schema name we build SQL from, but written unquoted: the released text must not change.
  identifier(schema);
  const s = schema;
  return {
    name: schema === DEFAULT_SAGA_SCHEMA ? DEFAULT_SAGA_SCHEMA : `${schema}.sagas`,
    migrations: [
      {
        version: 1,
        name: 'instances_history_commands',
        sql: `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE ${s}.instances (
  saga text NOT NULL,
  id text NOT NULL,
  step integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'compensated', 'failed')),
  data jsonb,
  awaiting_command text,
  deadlines text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL,
  started_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (saga, id)
);
CREATE INDEX instances_by_status ON ${s}.instances (saga, status, started_at DESC, id);
CREATE INDEX instances_by_start ON ${s}.instances (started_at DESC, saga, id);
CREATE TABLE ${s}.history (
  saga text NOT NULL,
  id text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL,
  step integer,
  event text NOT NULL,
  detail jsonb,
  PRIMARY KEY (saga, id, seq)
);
CREATE TABLE ${s}.commands (
  command_id text PRIMARY KEY,
  saga text NOT NULL,
  id text NOT NULL,
  step integer NOT NULL,
  type text NOT NULL,
  sent_at timestamptz NOT NULL
);`,
      },
    ],
  };
}
