import { testDatabases } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { eventStoreMigrations } from '../src/eventstore/schema.js';
import { embeddedBrokerMigrations } from '../src/messaging/embedded/schema.js';
import { migrate } from '../src/sql/migrations.js';
import { openedForSuite } from './support/suite.js';

/**
 * The functions every order calls many times (an append, a publish) plan their statements once per connection
 * (ADR 0056): without it, PostgreSQL planned their statements over the argument arrays at every call, a third
 * of a publish on PGlite. What this can check from outside is the setting each function carries.
 */
describe.each(testDatabases)('the hot functions on $backend', (backend) => {
  const opened = openedForSuite(async () => {
    const database = await backend.open();
    await migrate(database.db, [eventStoreMigrations('plans'), embeddedBrokerMigrations('plans_broker')]);
    return database;
  });

  const settingsOf = async (schema: string, name: string) => {
    const { rows } = await opened.db.query<{ config: string[] | null }>(
      `SELECT p.proconfig AS config FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname = $2 ORDER BY p.pronargs DESC LIMIT 1`,
      [schema, name],
    );
    return rows[0]?.config ?? [];
  };

  it('plan once: the event store append and the embedded broker publish', async () => {
    expect(await settingsOf('plans', 'append_events')).toContain('plan_cache_mode=force_generic_plan');
    expect(await settingsOf('plans_broker', 'publish')).toContain('plan_cache_mode=force_generic_plan');
  });

  it('still append and publish with their plans kept (many calls on one connection)', async () => {
    const { db } = opened;
    await db.query(`INSERT INTO plans_broker.groups (name, pattern) VALUES ('g', 'a.>')`);
    // Past the five calls after which PostgreSQL would otherwise weigh a generic plan.
    for (let i = 1; i <= 8; i++) {
      const { rows } = await db.query<{ accepted: boolean; stream_version: number }>(
        `SELECT accepted, stream_version FROM plans.append_events($1, $2, $3, $4, $5, $6, $7, $8)`,
        [['s-1'], [i - 1], [1], [crypto.randomUUID()], ['t.E'], [1], ['{}'], ['{}']],
      );
      expect(rows[0]).toEqual({ accepted: true, stream_version: i });
      const { rows: published } = await db.query<{ n: number }>(
        `SELECT plans_broker.publish($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS n`,
        [[`m-${i}`], ['a.b'], ['k'], ['{}'], ['c'], ['t.E']],
      );
      expect(published[0]!.n).toBe(1);
    }
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM plans_broker.deliveries WHERE group_name = 'g'`,
    );
    expect(rows[0]!.n).toBe(8);
  });
});
