import { randomUUID } from 'node:crypto';
import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
} from '@tessera/platform/messaging';
import type { Logger } from '@tessera/platform/observability';
import { sagaMigrations } from '@tessera/platform/sagas';
import {
  createDeadlines,
  type DeadlineScheduler,
  deadlineMigrations,
  type ManualClock,
  manualClock,
} from '@tessera/platform/scheduling';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import {
  deleteTestStream,
  type TestBrokerKind,
  type TestDatabase,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { signals } from '../../src/testing/conditions.js';

export const unique = () => randomUUID().slice(0, 8);

export { signals };

/** What the coordinator logs after each commit: the tests wait on these. */
export interface Logged {
  readonly saga: string;
  readonly sagaId: string;
  readonly event: string;
  readonly step?: number;
  readonly [field: string]: unknown;
}

export interface SagaTestbed {
  readonly db: SqlClient;
  readonly broker: Broker;
  readonly deadlines: DeadlineScheduler;
  readonly clock: ManualClock;
  readonly logged: ReturnType<typeof signals<Logged>>;
  readonly logger: Pick<Logger, 'info' | 'error' | 'debug'>;
  /** Resolves once instance `id` logged `event` (`count` times). */
  until(id: string, event: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database with the broker of the setup, the deadlines on a manual clock, and the sagas' tables. */
export async function openSagaTestbed(backend: TestDatabase, kind: TestBrokerKind): Promise<SagaTestbed> {
  const opened = await backend.open();
  const { db } = opened;
  const stream = kind === 'nats' ? uniqueTestStream() : undefined;
  await migrate(db, [
    kind === 'nats' ? natsBrokerMigrations() : embeddedBrokerMigrations(),
    deadlineMigrations(),
    sagaMigrations(),
  ]);
  const quiet = { onError: () => {} };
  const broker: Broker = stream
    ? await createNatsBroker({ db, servers: testNatsUrl, stream, partitions: 4, ackWaitMs: 2_000, ...quiet })
    : createEmbeddedBroker({ db, idleRecheckMs: 3_600_000, ...quiet });
  const clock = manualClock(new Date('2030-01-01T00:00:00Z'));
  const deadlines = createDeadlines(db, broker, { clock, onError: () => {} });
  await deadlines.start();
  const logged = signals<Logged>();
  const log = (fields: object) => logged.push(fields as Logged);
  return {
    db,
    broker,
    deadlines,
    clock,
    logged,
    logger: { info: log, error: log, debug: log } as unknown as SagaTestbed['logger'],
    until: (id, event, count = 1) =>
      logged.until((all) => all.filter((l) => l.sagaId === id && l.event === event).length >= count),
    async close() {
      await deadlines.stop();
      await broker.close();
      if (stream) await deleteTestStream(stream);
      await opened.close();
    },
  };
}
