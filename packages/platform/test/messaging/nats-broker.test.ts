import { connect } from '@nats-io/transport-node';
import { createNatsBroker, natsBrokerMigrations, newEnvelope } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import {
  batchHandlerConformance,
  brokerConformance,
  deleteTestStream,
  eventually,
  type OpenedBatchBroker,
  postgresTestDatabase,
  testDatabases,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../src/messaging/nats/subjects.js';
import { countedQueries } from '../support/counted-queries.js';

const PARTITIONS = 4;

describe.each(testDatabases)('NATS JetStream broker on $backend', (backend) => {
  const open = async (): Promise<OpenedBatchBroker> => {
    const opened = await backend.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    const stream = uniqueTestStream();
    const broker = await createNatsBroker({
      db: opened.db,
      servers: testNatsUrl,
      stream,
      partitions: PARTITIONS,
      ackWaitMs: 2_000,
    });
    const raw = await connect({ servers: testNatsUrl });
    return {
      broker,
      db: opened.db,
      takesBatches: true,
      independent: (a, b) => partitionOf(a, PARTITIONS) !== partitionOf(b, PARTITIONS),
      // Straight to the stream, as a foreign or broken publisher could.
      publishRaw: async ({ id, subject, key, payload }) => {
        const { jetstream } = await import('@nats-io/jetstream');
        await jetstream(raw).publish(
          `${stream}.${partitionOf(key, PARTITIONS)}.${subject}`,
          JSON.stringify(payload),
          {
            msgID: id,
          },
        );
      },
      async close() {
        await broker.close();
        await raw.close();
        await deleteTestStream(stream);
        await opened.close();
      },
    };
  };
  brokerConformance(`nats (${backend.backend})`, open);
  batchHandlerConformance(`nats (${backend.backend})`, open);
});

describe('NATS JetStream broker: a lane with gatherMs', () => {
  it('handles the first message after a quiet spell at once, and what follows soon in one batch', async () => {
    const opened = await postgresTestDatabase.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    const stream = uniqueTestStream();
    // The inbox's statement with the lease's fence: one per batch (lane.ts).
    const counted = countedQueries(opened.db, (text) => text.startsWith('WITH condition AS MATERIALIZED'));
    const broker = await createNatsBroker({
      db: counted.client,
      servers: testNatsUrl,
      stream,
      partitions: PARTITIONS,
      ackWaitMs: 2_000,
    });
    try {
      const handled: number[] = [];
      await broker.subscribe({
        group: 'gathered',
        subjects: ['x.gathered'],
        // Far longer than the publishes below take.
        gatherMs: 1_000,
        async handle(message) {
          handled.push(message.data as number);
        },
      });
      // One key: one lane, in order.
      const publish = (data: number) =>
        broker.publish([
          newEnvelope('tests', { type: 'tests.Happened', subject: 'x.gathered', key: 'k', data }),
        ]);
      await publish(0);
      await eventually(
        'the first is handled',
        async () => handled.length,
        (n) => n === 1,
      );
      const batchesForTheFirst = counted.count();
      for (const data of [1, 2, 3]) await publish(data);
      await eventually(
        'all are handled',
        async () => handled.length,
        (n) => n === 4,
      );
      expect(handled).toEqual([0, 1, 2, 3]);
      expect(counted.count() - batchesForTheFirst).toBe(1);
    } finally {
      await broker.close();
      await deleteTestStream(stream);
      await opened.close();
    }
  });
});
