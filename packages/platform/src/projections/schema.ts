import { type MigrationSet, schemaMigrations } from '../sql/index.js';

/**
 * Checkpoints of the projections kept in a schema: one row per projection, updated in the transaction that
 * writes the projection's effects, and locked by it (FOR UPDATE), so that two processes running the same
 * projection take turns and the second sees what the first applied.
 *
 * `replay_until` is the position the projection had reached when it was last reset: events at or below it
 * are replays (non-replayable handlers skip them), events above it are handled for the first time. It is
 * stored, not held in memory, so that a rebuild interrupted by a crash resumes with the same boundary.
 */
export function projectionMigrations(schema: string): MigrationSet {
  return schemaMigrations(schema, 'projections', [
    [
      'projection_checkpoints',
      (s) => `
CREATE TABLE ${s}.projection_checkpoints (
  name          text        PRIMARY KEY,
  position      bigint      NOT NULL DEFAULT 0,
  replay_until  bigint      NOT NULL DEFAULT 0,
  reset_at      timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);`,
    ],
  ]);
}

/** Told, with the projection's name as payload, when a projection is reset: its runners start again from 0. */
export const resetChannel = (schema: string) => `${schema}_projection_resets`;
