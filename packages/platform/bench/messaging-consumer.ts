/**
 * The consuming module of the messaging benchmark: the group whose handler commits an effect row per
 * message (`handle`) or per batch (`handleBatch`, one INSERT for the batch). It runs in the benchmark's
 * thread, or in a worker thread of its own with its own database pool and broker instance, as the consuming
 * module's process would on NATS (the producing module's process keeps its broker, its outbox and its relay).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type Broker, createNatsBroker, type Subscription } from '@tessera/platform/messaging';
import { postgresClient, type SqlClient } from '@tessera/platform/sql';

export const SUBJECT = 'bench.orders.events.Order';
export const GROUP = 'bench_effects';

/** Told after each commit of effects: the messages' ids and when (ms since the epoch, `performance`'s clock). */
export type OnEffects = (ids: readonly string[], at: number) => void;

const now = () => performance.timeOrigin + performance.now();

export function effectSubscription(
  db: SqlClient,
  concurrency: number,
  batchHandler: boolean,
  onEffects: OnEffects,
): Subscription {
  const common = { group: GROUP, subjects: [SUBJECT], concurrency };
  if (batchHandler) {
    return {
      ...common,
      // The effects of a batch in one statement (a batch handler, ADR 0020), sent with the handling's COMMIT
      // (`atCommit`): nothing in the handling reads them back.
      async handleBatch(batch) {
        const ids = batch.map((h) => h.message.id);
        await db.atCommit(
          'INSERT INTO bench_effects (message_id, key) SELECT * FROM unnest($1::text[], $2::text[])',
          [ids, batch.map((h) => h.message.key)],
        );
        await db.afterCommit(() => onEffects(ids, now()));
      },
    };
  }
  return {
    ...common,
    async handle(message) {
      await db.query('INSERT INTO bench_effects (message_id, key) VALUES ($1, $2)', [
        message.id,
        message.key,
      ]);
      await db.afterCommit(() => onEffects([message.id], now()));
    },
  };
}

/** The consuming side of one workload: it subscribes at once and reports every committed effect. */
export interface ConsumerSide {
  stop(): Promise<void>;
  /** The consuming thread's event loop utilisation since `start` (0–1), when it runs in a thread of its own. */
  utilization?(): number;
}

export interface ConsumerThreadOptions {
  readonly url: string;
  readonly natsUrl: string;
  readonly stream: string;
  readonly partitions: number;
  readonly concurrency: number;
  readonly batchHandler: boolean;
  readonly pool: number;
}

type FromWorker =
  | { kind: 'ready' }
  | { kind: 'effects'; commits: Array<[ids: readonly string[], at: number]> }
  | { kind: 'stopped' };

/** Starts the consuming module in a worker thread; resolves once its group is subscribed. */
export function startConsumerThread(
  options: ConsumerThreadOptions,
  onEffects: OnEffects,
): Promise<ConsumerSide> {
  // The benchmark runs under tsx: the worker registers its loader before importing this TypeScript file.
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { role: 'bench-consumer', options } });
  let stopped: (() => void) | undefined;
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'effects') for (const [ids, at] of message.commits) onEffects(ids, at);
      else if (message.kind === 'stopped') stopped?.();
      else {
        const since = worker.performance.eventLoopUtilization();
        resolve({
          utilization: () => worker.performance.eventLoopUtilization(since).utilization,
          stop: async () => {
            const done = new Promise<void>((r) => {
              stopped = r;
            });
            worker.postMessage('stop');
            await done;
            await worker.terminate();
          },
        });
      }
    });
  });
}

async function consumerThread(options: ConsumerThreadOptions): Promise<void> {
  const port = parentPort!;
  const db = postgresClient({
    connectionString: options.url,
    maxConnections: options.pool,
    applicationName: 'bench-nats-consumer',
  });
  const broker: Broker = await createNatsBroker({
    db,
    servers: options.natsUrl,
    stream: options.stream,
    partitions: options.partitions,
    name: 'bench consumer',
    onError: (error, context) => console.error('    consumer broker error', context, error),
  });
  // Effects are posted to the benchmark's thread in one message per turn of the event loop.
  let pending: Array<[readonly string[], number]> | undefined;
  const flush = () => {
    if (pending) port.postMessage({ kind: 'effects', commits: pending } satisfies FromWorker);
    pending = undefined;
  };
  const subscribed = await broker.subscribe(
    effectSubscription(db, options.concurrency, options.batchHandler, (ids, at) => {
      if (!pending) {
        pending = [];
        setImmediate(flush);
      }
      pending.push([ids, at]);
    }),
  );
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
  port.once('message', async () => {
    await subscribed.stop();
    flush();
    await broker.close();
    await db.close();
    port.postMessage({ kind: 'stopped' } satisfies FromWorker);
  });
}

if (!isMainThread && (workerData as { role?: string } | undefined)?.role === 'bench-consumer') {
  await consumerThread((workerData as { options: ConsumerThreadOptions }).options);
}
