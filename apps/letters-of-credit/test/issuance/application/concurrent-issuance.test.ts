import { randomUUID } from 'node:crypto';
import { isDomainError } from '@tessera/platform/ddd';
import { migrate, postgresClient, type SqlClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLCTerms } from '../../../src/issuance/adapters/messaging/lc-applications-events.js';
import { postgresLCNumbering, postgresLCRepository } from '../../../src/issuance/adapters/postgres/lcs.js';
import { createIssuanceCommands } from '../../../src/issuance/application/commands.js';
import { createIssuanceModule, lcIdFor } from '../../../src/issuance/module.js';
import { terms } from '../support/host.js';

/** Issuance's commands on a database client of their own, as each process of the bank has. */
const commandsOn = (db: SqlClient, published: string[]) =>
  createIssuanceCommands({
    db,
    lcs: postgresLCRepository(db),
    numbering: postgresLCNumbering(db),
    outbox: { publish: async (change) => void published.push(change.id) },
    lcIdFor,
    now: () => new Date('2026-05-06T07:08:09Z'),
  });

// Two handlings of one application's approval at the same time (two processes, or a redelivery racing the
// first delivery): optimistic concurrency lets one issue the LC; the other issues nothing, at once or after
// its conflict (which the broker retries), and gives back the number it took.
describe.each(testDatabases)('issuing one LC twice at once, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let other: SqlClient;
  beforeAll(async () => {
    opened = await backend.open();
    await migrate(opened.db, [...createIssuanceModule().migrations]);
    // PostgreSQL: a second pool on the same database, as another process; PGlite has one connection.
    other = opened.url ? postgresClient({ connectionString: opened.url }) : opened.db;
  });
  afterAll(async () => {
    if (other !== opened?.db) await other?.close();
    await opened?.close();
  });

  it('issues one LC with one number, and publishes it once', async () => {
    for (let round = 0; round < 5; round++) {
      const published: string[] = [];
      const input = { lcApplicationId: randomUUID(), applicantId: 'importer-1', terms: toLCTerms(terms()) };
      const outcomes = await Promise.allSettled([
        commandsOn(opened.db, published).issue(input),
        commandsOn(other, published).issue(input),
      ]);
      const issued = outcomes.filter((o) => o.status === 'fulfilled' && o.value.issued);
      expect(issued, JSON.stringify(outcomes)).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') expect(outcome.value.lcId).toBe(lcIdFor(input.lcApplicationId));
        else
          expect(isDomainError(outcome.reason) && outcome.reason.kind, String(outcome.reason)).toBe(
            'conflict',
          );
      }
      expect(published).toEqual([lcIdFor(input.lcApplicationId)]);
      const { rows } = await opened.db.query<{ lc_number: string }>(
        'SELECT lc_number FROM lc_issuance.lcs WHERE lc_application_id = $1',
        [input.lcApplicationId],
      );
      expect(rows).toEqual([{ lc_number: `KPB-LC-2026-${String(round + 1).padStart(6, '0')}` }]);
      // A retry of the loser finds it issued.
      expect(await commandsOn(other, published).issue(input)).toEqual({
        lcId: lcIdFor(input.lcApplicationId),
        issued: false,
      });
    }
    const { rows } = await opened.db.query('SELECT year, last_sequence FROM lc_issuance.lc_numbers');
    expect(rows).toEqual([{ year: 2026, last_sequence: 5 }]);
  });
});
