import { createNatsBroker, natsBrokerMigrations } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import {
  deleteTestStream,
  eventually,
  postgresTestDatabase,
  signals,
  testDatabases,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { message, unique } from '../../src/testing/broker-conformance.js';
import { countedQueries } from '../support/counted-queries.js';

describe.each(testDatabases)('the NATS outbox relay on $backend', (backend) => {
  it('makes one pass per commit that wrote to the outbox, not a pass and an empty one', async () => {
    const opened = await backend.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    const stream = uniqueTestStream();
    // The relay's statements: one per pass, its turn and its read of the outbox together.
    const counted = countedQueries(opened.db, (text) => /relay_batch|outbox ORDER BY|advisory/.test(text));
    const broker = await createNatsBroker({
      db: counted.client,
      servers: testNatsUrl,
      stream,
      partitions: 2,
    });
    try {
      const subject = `relay.${unique()}`;
      const received = signals<string>();
      await broker.subscribe({
        group: `relay-${unique()}`,
        subjects: [subject],
        handle: async (envelope) => received.push(envelope.id),
      });
      const sent = [];
      for (let n = 0; n < 3; n++) {
        const next = message(subject, `k${n}`, { n });
        sent.push(next.id);
        await counted.client.transaction(() => broker.publish([next]));
        // Relayed, and handled, before the next one is written.
        await received.until((ids) => ids.length === n + 1);
      }
      expect(received.items).toEqual(sent);
      // The first pass at the start found nothing; then one pass per commit, each seeing the whole outbox.
      expect(counted.count()).toBe(4);
    } finally {
      await broker.close();
      await deleteTestStream(stream);
      await opened.close();
    }
  }, 30_000);
});

describe('the NATS outbox relay taking its turn', () => {
  it('reads, once its turn comes, what was committed to the outbox while it waited', async () => {
    const opened = await postgresTestDatabase.open();
    const holder = new pg.Client({ connectionString: opened.url! });
    const relay = new pg.Client({ connectionString: opened.url! });
    try {
      await migrate(opened.db, [natsBrokerMigrations()]);
      await holder.connect();
      await relay.connect();
      const key = 'messaging.outbox relay';
      // Another relay's pass holds the turn.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      await relay.query('BEGIN');
      const batch = relay.query<{ message_id: string }>(
        'SELECT message_id FROM messaging.relay_batch($1, 10)',
        [key],
      );
      await eventually(
        'the pass waits for its turn',
        async () =>
          (
            await opened.db.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
            )
          ).rows[0]!.n,
        (n) => n === 1,
      );
      await opened.db.query(
        "INSERT INTO messaging.outbox (message_id, nats_subject, payload) VALUES ('m-late', 's', '{}')",
      );
      await holder.query('COMMIT');
      expect((await batch).rows.map((row) => row.message_id)).toEqual(['m-late']);
      await relay.query('COMMIT');
    } finally {
      await holder.end();
      await relay.end();
      await opened.close();
    }
  });
});
