import { connect } from '@nats-io/transport-node';
import { createNatsBroker, natsBrokerMigrations } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import {
  batchHandlerConformance,
  brokerConformance,
  deleteTestStream,
  type OpenedBatchBroker,
  testDatabases,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { describe } from 'vitest';
import { partitionOf } from '../../src/messaging/nats/subjects.js';

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
