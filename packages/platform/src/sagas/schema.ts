import type { MigrationSet } from '../sql/index.js';

/**
 * The coordinator's tables, in the `sagas` schema: one row per instance (saga or process manager), its
 * history, and the commands it sent, by which a reply or a timeout finds its instance (a reply's causation is
 * the command's id; the key is the participant's, not the saga's).
 */
export function sagaMigrations(): MigrationSet {
  return {
    name: 'sagas',
    migrations: [
      {
        version: 1,
        name: 'instances_history_commands',
        sql: `
CREATE SCHEMA IF NOT EXISTS sagas;
CREATE TABLE sagas.instances (
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
CREATE INDEX instances_by_status ON sagas.instances (saga, status, started_at DESC, id);
CREATE INDEX instances_by_start ON sagas.instances (started_at DESC, saga, id);
CREATE TABLE sagas.history (
  saga text NOT NULL,
  id text NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  at timestamptz NOT NULL,
  step integer,
  event text NOT NULL,
  detail jsonb,
  PRIMARY KEY (saga, id, seq)
);
CREATE TABLE sagas.commands (
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
