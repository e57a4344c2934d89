import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { postgresTestDatabase, type TestDatabase, testDatabases } from './databases.js';

/** The NATS JetStream server tests use (CI starts it on this address). */
export const testNatsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A stream name of its own for one test host or suite, so that runs never see each other's messages. */
export const uniqueTestStream = () => `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;

export async function deleteTestStream(stream: string): Promise<void> {
  const nc = await connect({ servers: testNatsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}

export type TestBrokerKind = 'embedded' | 'nats';

/**
 * Where a host test runs: the embedded broker on each database, and NATS JetStream on PostgreSQL (NATS with
 * PGlite is possible, but adds nothing the two cover). `describe.each(testSetups)`.
 */
export const testSetups: ReadonlyArray<{ backend: TestDatabase; broker: TestBrokerKind }> = [
  ...testDatabases.map((backend) => ({ backend, broker: 'embedded' as const })),
  { backend: postgresTestDatabase, broker: 'nats' },
];
