import { createNatsBroker, natsBrokerMigrations } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import {
  deleteTestStream,
  signals,
  testDatabases,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { message, unique } from '../../src/testing/broker-conformance.js';
import { countedQueries } from '../support/counted-queries.js';

describe.each(testDatabases)('the NATS outbox relay on $backend', (backend) => {
  it('makes one pass per commit that wrote to the outbox, not a pass and an empty one', async () => {
    const opened = await backend.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    const stream = uniqueTestStream();
    // The relay's reads of the outbox: one per pass.
    const counted = countedQueries(opened.db, (text) => /FROM \S+\.outbox ORDER BY position/.test(text));
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
