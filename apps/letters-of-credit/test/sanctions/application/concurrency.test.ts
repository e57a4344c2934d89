import { isDomainError } from '@tessera/platform/ddd';
import { type Host, startHost } from '@tessera/platform/runtime';
import { migrate, postgresClient, type SqlClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testConfig, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresSanctionsList } from '../../../src/sanctions/adapters/postgres/sanctions-list.js';
import { createSanctionsCommands } from '../../../src/sanctions/application/commands.js';
import type { SanctionsListRepository } from '../../../src/sanctions/application/ports.js';
import { SANCTIONS_CHANNEL } from '../../../src/sanctions/contract/integration-events.js';
import { createSanctionsModule } from '../../../src/sanctions/module.js';

/** The first `parties` loads wait for each other: each has read the list before any of them saves. */
function meetingAtLoad(
  repository: SanctionsListRepository,
  gate: { arrived: number; open: Promise<void>; release: () => void },
  parties: number,
): SanctionsListRepository {
  return {
    ...repository,
    async load(id) {
      const loaded = await repository.load(id);
      gate.arrived += 1;
      if (gate.arrived <= parties) {
        if (gate.arrived === parties) gate.release();
        await gate.open;
      }
      return loaded;
    },
  };
}

const gateOf = () => {
  let release!: () => void;
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { arrived: 0, open, release };
};

describe.each(testDatabases)(
  'the sanctions list under concurrent starts and changes, on $backend',
  (backend) => {
    let opened: OpenedTestDatabase;
    /** PostgreSQL: a second pool on the same database, as another process has; PGlite has one connection. */
    let other: SqlClient;
    beforeAll(async () => {
      opened = await backend.open();
      other = opened.url ? postgresClient({ connectionString: opened.url }) : opened.db;
    });
    afterAll(async () => {
      if (other !== opened?.db) await other?.close();
      await opened?.close();
    });

    describe('two processes starting at once on a new database', () => {
      const hosts: Host[] = [];
      afterEach(async () => {
        await Promise.all(hosts.splice(0).map((host) => host.stop()));
      });

      it('establish the list and publish it once', async () => {
        const start = (db: SqlClient, sanctioned: string[]) =>
          startHost({
            name: 'Sanctions',
            version: 'test',
            modules: [createSanctionsModule({ sanctioned })],
            db,
            bootstrapOperator: false,
            config: testConfig(),
          });
        hosts.push(...(await Promise.all([start(opened.db, ['XS']), start(other, ['XS'])])));
        const { rows } = await opened.db.query<{ data: { countries: string[]; version: number } }>(
          `SELECT (envelope::jsonb) -> 'data' AS data FROM broker.messages WHERE subject = $1`,
          [SANCTIONS_CHANNEL],
        );
        expect(rows.map((row) => row.data)).toEqual([
          expect.objectContaining({ countries: ['XS'], version: 1 }),
        ]);
        // A third start later finds the list and publishes nothing; its setting no longer matters.
        hosts.push(await start(opened.db, ['KP']));
        const again = await opened.db.query('SELECT 1 FROM broker.messages WHERE subject = $1', [
          SANCTIONS_CHANNEL,
        ]);
        expect(again.rows).toHaveLength(1);
        const list = await opened.db.query('SELECT countries, version FROM lc_sanctions.sanctions_list');
        expect(list.rows).toEqual([{ countries: ['XS'], version: 1 }]);
      });
    });

    describe('the application, with both parties reading the list before either saves (on PostgreSQL)', () => {
      let database: OpenedTestDatabase;
      let second: SqlClient;
      beforeAll(async () => {
        database = await backend.open();
        await migrate(database.db, [...createSanctionsModule().migrations]);
        second = database.url ? postgresClient({ connectionString: database.url }) : database.db;
      });
      afterAll(async () => {
        if (second !== database?.db) await second?.close();
        await database?.close();
      });

      /** Two processes' commands; on PostgreSQL their first loads meet, on PGlite (one connection) they run in turn. */
      const twoProcesses = (published: number[]) => {
        const gate = gateOf();
        const parties = database.url ? 2 : 0;
        const [first, other] = [database.db, second].map((db) =>
          createSanctionsCommands({
            db,
            list: meetingAtLoad(postgresSanctionsList(db), gate, parties),
            outbox: { publish: async (change) => void published.push(change.version) },
            now: () => new Date('2026-02-03T10:00:00Z'),
          }),
        );
        return { first: first!, other: other!, gate };
      };

      it('establishes the list once: the second insert conflicts, and its retry finds the list', async () => {
        const published: number[] = [];
        const { first, other, gate } = twoProcesses(published);
        const outcomes = await Promise.all([first.establish(['XS']), other.establish(['XS'])]);
        expect(outcomes.map((outcome) => outcome.established).sort()).toEqual([false, true]);
        expect(published).toEqual([1]);
        // On PostgreSQL both read no list; the loser's insert conflicted and it read again (a third load).
        if (database.url) expect(gate.arrived).toBe(3);
      });

      it('loses no change: of two changes made on one version, one is saved and the other is a conflict', async () => {
        const published: number[] = [];
        const { first, other } = twoProcesses(published);
        const outcomes = await Promise.allSettled([
          first.sanction({ country: 'XW' }),
          other.sanction({ country: 'IR' }),
        ]);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            expect(isDomainError(outcome.reason) && outcome.reason.code).toBe('concurrent_modification');
          }
        }
        const saved = (['XW', 'IR'] as const).filter((_, n) => outcomes[n]!.status === 'fulfilled');
        // On PostgreSQL they met: one conflict. Either way each saved change is on the list (none is lost), and
        // each save published its own version.
        if (database.url) expect(saved).toHaveLength(1);
        const { rows } = await database.db.query<{ countries: string[]; version: number }>(
          'SELECT countries, version FROM lc_sanctions.sanctions_list',
        );
        expect(rows).toEqual([{ countries: ['XS', ...saved].sort(), version: 1 + saved.length }]);
        expect(published).toEqual(saved.map((_, n) => 2 + n));
      });
    });
  },
);
