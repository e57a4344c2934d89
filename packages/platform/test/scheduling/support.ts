import { randomUUID } from 'node:crypto';
import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  type Envelope,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
  newEnvelope,
  type Publisher,
} from '@tessera/platform/messaging';
import { createDeadlines, type DeadlinesOptions, deadlineMigrations } from '@tessera/platform/scheduling';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import {
  deleteTestStream,
  type OpenedTestDatabase,
  type TestBrokerKind,
  type TestDatabase,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { conditions } from '../../src/testing/conditions.js';

// An hour: when a test passes, the loops were woken by notifications, the clock and timers, not by a safety net.
export const NEVER = 3_600_000;

export const SUBJECT = 'deadlines.passed';

export const deadlineEnvelope = (name: string, data: unknown = {}) =>
  newEnvelope('tests', {
    type: 'tests.DeadlinePassed',
    subject: SUBJECT,
    key: name,
    data,
    id: `${name}-${randomUUID()}`,
  });

/** Records what a subscriber received and lets a test wait until a condition holds (never on time). */
export function recorder() {
  const received: Envelope[] = [];
  const { until, settle } = conditions();
  return {
    received,
    ids: () => received.map((e) => e.id),
    async handle(message: Envelope) {
      received.push(message);
      settle();
    },
    until,
    hasAll(...ids: string[]) {
      return this.until(() => ids.every((id) => received.some((e) => e.id === id)));
    },
  };
}

/** Counts what a publisher published in transactions that committed: publications, not deliveries (the inbox hides duplicates). */
export function publications() {
  const committed: string[] = [];
  const { until, settle } = conditions();
  const times = (id: string) => committed.filter((c) => c === id).length;
  return {
    committed,
    times,
    /** A subscriber can receive a message before its publisher's after-commit callbacks have run. */
    until,
    spy: (broker: Publisher, db: SqlClient): Publisher => ({
      async publish(envelopes) {
        await broker.publish(envelopes);
        await db.afterCommit(() => {
          committed.push(...envelopes.map((e) => e.id));
          settle();
        });
      },
    }),
  };
}

/** One test's database with the deadlines and the broker's tables, and brokers on any client of it. */
export async function openScheduling(setup: { backend: TestDatabase; broker: TestBrokerKind }) {
  const opened: OpenedTestDatabase = await setup.backend.open();
  const stream = uniqueTestStream();
  await migrate(opened.db, [
    deadlineMigrations(),
    setup.broker === 'nats' ? natsBrokerMigrations() : embeddedBrokerMigrations(),
  ]);
  const brokers: Broker[] = [];
  const openBroker = async (db: SqlClient = opened.db): Promise<Broker> => {
    const broker =
      setup.broker === 'nats'
        ? await createNatsBroker({ db, servers: testNatsUrl, stream, partitions: 2, ackWaitMs: 2_000 })
        : createEmbeddedBroker({ db, idleRecheckMs: NEVER });
    brokers.push(broker);
    return broker;
  };
  const schedulers: Array<{ stop(): Promise<void> }> = [];
  return {
    db: opened.db,
    url: opened.url,
    openBroker,
    /** A scheduler that the teardown stops (stopping twice is harmless). */
    deadlines(db: SqlClient, publisher: Publisher, options: DeadlinesOptions = {}) {
      const scheduler = createDeadlines(db, publisher, {
        idleRecheckMs: NEVER,
        // Tests that look at failures pass their own; the others fail by what they wait for.
        onError: () => {},
        ...options,
      });
      schedulers.push(scheduler);
      return scheduler;
    },
    /** Subscribes a recorder to the deadlines' subject. */
    async record(broker: Broker) {
      const recorded = recorder();
      await broker.subscribe({ group: 'recorder', subjects: [SUBJECT], handle: recorded.handle });
      return recorded;
    },
    async close() {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      await Promise.all(brokers.map((broker) => broker.close().catch(() => {})));
      if (setup.broker === 'nats') await deleteTestStream(stream);
      await opened.close();
    },
  };
}
