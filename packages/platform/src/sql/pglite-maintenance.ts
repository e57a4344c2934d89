import { SqlState, sqlStateOf } from './errors.js';

/** What the maintenance needs of a database: plain statements, each in its own turn on the connection. */
interface Maintained {
  query<R>(text: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
  exec(script: string): Promise<void>;
}

/** What a pass did to a table: `vacuum` (with ANALYZE), or `analyze` alone. */
export interface MaintenanceWork {
  readonly table: string;
  readonly did: 'vacuum' | 'analyze';
}

export interface Maintenance {
  /** One pass now (the timer's passes and this one never overlap). */
  pass(): Promise<readonly MaintenanceWork[]>;
  /** No pass after this one; resolves when a pass in progress has ended. */
  stop(): Promise<void>;
}

/**
 * The tables autovacuum would take now, by its own rules and settings: dead rows beyond
 * `autovacuum_vacuum_threshold` + `autovacuum_vacuum_scale_factor` × rows, rows inserted since the last vacuum
 * beyond the insert threshold and scale factor (so that an append-only table's pages get frozen and marked all
 * visible), or a table whose oldest unfrozen transaction id is older than `autovacuum_freeze_max_age`; and
 * the tables to analyze, by the analyze threshold and scale factor.
 */
const DUE = `
SELECT format('%I.%I', s.schemaname, s.relname) AS table,
       s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
                      + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0)
       OR s.n_ins_since_vacuum > current_setting('autovacuum_vacuum_insert_threshold')::float8
                      + current_setting('autovacuum_vacuum_insert_scale_factor')::float8 * greatest(c.reltuples, 0)
       OR age(c.relfrozenxid) > current_setting('autovacuum_freeze_max_age')::float8 AS vacuum,
       s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
                      + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0) AS analyze
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
 WHERE s.schemaname NOT LIKE 'pg\\_temp\\_%'
 ORDER BY s.n_dead_tup DESC, s.schemaname, s.relname`;

/**
 * Autovacuum for PGlite (ADR 0057). PostgreSQL's autovacuum is a background worker, and PGlite is one process
 * with none: left alone, an embedded database never reclaims the rows its queues delete (the broker's deliveries
 * take and lose a row per message and group), never refreshes its planner's statistics, and never freezes old
 * transaction ids, which in the long run would make committed rows look like they were never written. Every
 * `everyMs` a pass does what autovacuum would: it reads the statistics and vacuums (and analyzes) or analyzes
 * the tables that are due, one statement per table, so that the transactions waiting for the one connection
 * take their turns in between.
 */
export function startMaintenance(
  db: Maintained,
  options: { everyMs: number; onError?: (error: unknown) => void },
): Maintenance {
  const report =
    options.onError ??
    ((error: unknown) => console.error('the embedded database’s maintenance failed', error));
  let stopped = false;
  let running: Promise<readonly MaintenanceWork[]> | undefined;

  async function onePass(): Promise<readonly MaintenanceWork[]> {
    // A backend's statistics reach the views when it flushes them, at most once a second while it is busy:
    // flushed now, the pass sees what was done up to its start.
    await db.query('SELECT pg_stat_force_next_flush()');
    const { rows } = await db.query<{ table: string; vacuum: boolean; analyze: boolean }>(DUE);
    const done: MaintenanceWork[] = [];
    for (const row of rows) {
      if (stopped) break;
      if (!row.vacuum && !row.analyze) continue;
      const { table } = row;
      const did = row.vacuum ? 'vacuum' : 'analyze';
      try {
        await db.exec(did === 'vacuum' ? `VACUUM (ANALYZE) ${table}` : `ANALYZE ${table}`);
        done.push({ table, did });
      } catch (error) {
        // Dropped since the statistics were read: nothing left to maintain.
        if (sqlStateOf(error) !== SqlState.undefinedTable) report(error);
      }
    }
    return done;
  }

  const pass = () => {
    running ??= onePass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!running) pass().catch(report);
  }, options.everyMs);
  timer.unref();

  return {
    pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
