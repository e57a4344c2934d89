/**
 * The messaging benchmark's baselines, measured in the same run as our pipelines (messaging.bench.ts):
 * raw JetStream (no database), raw `pg` INSERTs (no broker), and the npm library pg-transactional-outbox
 * with its documented polling setup.
 */
import { performance } from 'node:perf_hooks';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import {
  type DatabaseClient,
  DatabaseSetup,
  executeTransaction,
  type GeneralMessageHandler,
  getDefaultLogger,
  initializeMessageStorage,
  initializePollingMessageListener,
  type PollingListenerConfig,
  type TransactionalMessage,
  type TransactionalMessageHandler,
} from 'pg-transactional-outbox';
import {
  freshDatabase,
  keyOf,
  NATS_URL,
  PRODUCERS,
  payloadOf,
  produce,
  type Result,
  Tracker,
} from './messaging-support.js';

/** A message as the relay publishes it: an envelope of the same size as our pipelines carry. */
const envelopeBytes = (i: number) =>
  JSON.stringify({
    id: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
    type: 'bench.OrderPlaced',
    schemaVersion: 1,
    source: 'bench',
    subject: 'bench.orders.events.Order',
    key: keyOf(i),
    time: new Date().toISOString(),
    correlationId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
    data: payloadOf(i),
  });

const sorted = (values: number[]) => values.sort((a, b) => a - b);

// ---------------------------------------------------------------------------------------------------------
// Raw JetStream: no database at all

/**
 * (1) async publish: `count` publishes pipelined on one connection, then every ack awaited; latency is each
 * publish's call to its ack. (2) publish + durable pull consume with an explicit ack per message; latency is
 * the publish call to the consumer's ack. A file-backed stream of its own, deleted at the end.
 */
export async function rawJetStream(count: number, stream: string): Promise<[Result, Result]> {
  const nc = await connect({ servers: NATS_URL, name: 'bench raw' });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.File });
  const payloads = Array.from({ length: count }, (_, i) => envelopeBytes(i));
  try {
    // (1) async publish
    const warm = Math.min(1_000, count);
    await Promise.all(payloads.slice(0, warm).map((p) => js.publish(`${stream}.warm`, p)));
    const latencies: number[] = [];
    const start = performance.now();
    const acks: Promise<unknown>[] = [];
    for (const payload of payloads) {
      const sent = performance.now();
      acks.push(js.publish(`${stream}.pub`, payload).then(() => latencies.push(performance.now() - sent)));
    }
    await Promise.all(acks);
    const publish: Result = {
      label: 'raw JetStream async publish',
      setup: `${count} publishes pipelined on one connection, all acks awaited; file storage`,
      messages: count,
      seconds: (performance.now() - start) / 1000,
      latencies: sorted(latencies),
    };

    // (2) publish + durable pull consume, ack per message
    await jsm.consumers.add(stream, {
      durable_name: 'raw',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      filter_subject: `${stream}.con`,
    });
    const consumer = await js.consumers.get(stream, 'raw');
    const messages = await consumer.consume();
    const firstSeq = (await jsm.streams.info(stream)).state.last_seq + 1;
    const sentAt: number[] = new Array(count);
    const consumed: number[] = [];
    let last = 0;
    const received = (async () => {
      for await (const message of messages) {
        message.ack();
        const now = performance.now();
        consumed.push(now - sentAt[message.info.streamSequence - firstSeq]!);
        last = now;
        if (consumed.length >= count) break;
      }
    })();
    const started = performance.now();
    const published: Promise<unknown>[] = [];
    for (const [i, payload] of payloads.entries()) {
      sentAt[i] = performance.now();
      published.push(js.publish(`${stream}.con`, payload));
    }
    await Promise.all(published);
    await received;
    await messages.close();
    const consume: Result = {
      label: 'raw JetStream publish + consume (ack)',
      setup: 'durable pull consumer (consume(), default 100 buffered), explicit ack per message',
      messages: consumed.length,
      seconds: (last - started) / 1000,
      latencies: sorted(consumed),
    };
    return [publish, consume];
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Raw pg: one autocommit INSERT per message

export async function rawPg(count: number, name: string): Promise<[Result, Result]> {
  const url = await freshDatabase(name);
  const pool = new pg.Pool({ connectionString: url, max: PRODUCERS, application_name: 'bench-raw' });
  try {
    await pool.query('CREATE TABLE messages (id text PRIMARY KEY, key text NOT NULL, data json NOT NULL)');
    const insert = 'INSERT INTO messages (id, key, data) VALUES ($1, $2, $3)';
    const run = async (label: string, concurrency: number, prefix: string): Promise<Result> => {
      const client = concurrency === 1 ? await pool.connect() : undefined;
      const latencies: number[] = [];
      try {
        const one = async (i: number) => {
          const values = [`${prefix}-${i}`, keyOf(i), JSON.stringify(payloadOf(i))];
          const t = performance.now();
          await (client ?? pool).query({ name: 'insert', text: insert, values });
          latencies.push(performance.now() - t);
        };
        await produce(Math.min(500, count), concurrency, (i) => one(-i - 1)); // warm-up
        latencies.length = 0;
        const start = performance.now();
        const end = await produce(count, concurrency, one);
        return {
          label,
          setup: `one INSERT ... VALUES per message, autocommit, prepared; ${concurrency === 1 ? 'one connection' : `${concurrency} concurrent on a pool of ${concurrency}`}`,
          messages: count,
          seconds: (end - start) / 1000,
          latencies: sorted(latencies),
        };
      } finally {
        client?.release();
      }
    };
    const single = await run('raw pg INSERT, 1 connection', 1, 'a');
    const pooled = await run(`raw pg INSERT, pool of ${PRODUCERS}`, PRODUCERS, 'b');
    return [single, pooled];
  } finally {
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// pg-transactional-outbox: its documented polling setup (the replication listener needs wal_level=logical)

/** Messages in flight per listener (its `nextMessagesBatchSize`): the same concurrency as our consumers. */
export const PGTO_BATCH = 16;
const PGTO_POLL_MS = 250;

/**
 * The producer commits a business row and its outbox message (`initializeMessageStorage`) in one
 * transaction; the outbox polling listener hands each message to a "transport" that stores it in the inbox
 * (`initializeMessageStorage` for the inbox, in its own transaction, as the README's receiver does); the
 * inbox polling listener runs the handler, which writes the effect row in the transaction that marks the
 * inbox message processed. One database of its own, tables and functions made with its `DatabaseSetup`.
 * There is no broker between outbox and inbox: that only flatters it.
 */
export async function pgTransactionalOutbox(count: number, name: string): Promise<Result> {
  const url = await freshDatabase(name);
  const connection = { connectionString: url, application_name: 'bench-pgto' };
  const logger = getDefaultLogger('bench');
  logger.level = 'error';
  const setup = new pg.Client(connection);
  await setup.connect();
  try {
    await setup.query(`CREATE TABLE public.orders (id text PRIMARY KEY, key text NOT NULL, data jsonb NOT NULL);
      CREATE TABLE public.effects (message_id text PRIMARY KEY, key text NOT NULL)`);
    for (const table of ['outbox', 'inbox'] as const) {
      const config = {
        outboxOrInbox: table,
        database: name,
        schema: 'trx',
        table,
        listenerRole: 'postgres',
        nextMessagesName: `next_${table}_messages`,
      };
      await setup.query(DatabaseSetup.dropAndCreateTable(config));
      await setup.query(DatabaseSetup.createPollingFunction(config));
      await setup.query(DatabaseSetup.setupPollingIndexes(config));
    }
  } finally {
    await setup.end();
  }

  const config = (table: 'outbox' | 'inbox'): PollingListenerConfig => ({
    outboxOrInbox: table,
    dbListenerConfig: connection,
    settings: {
      dbSchema: 'trx',
      dbTable: table,
      // As its README: no attempt protections for the outbox, both for the inbox.
      enableMaxAttemptsProtection: table === 'inbox',
      enablePoisonousMessageProtection: table === 'inbox',
      nextMessagesFunctionSchema: 'trx',
      nextMessagesFunctionName: `next_${table}_messages`,
      nextMessagesBatchSize: PGTO_BATCH,
      nextMessagesPollingIntervalInMs: PGTO_POLL_MS,
    },
  });
  const storeOutbox = initializeMessageStorage(config('outbox'), logger);
  const storeInbox = initializeMessageStorage(config('inbox'), logger);
  const producers = new pg.Pool({ ...connection, max: PRODUCERS });
  const receivers = new pg.Pool({ ...connection, max: PGTO_BATCH });
  const handlers = new pg.Pool({ ...connection, max: PGTO_BATCH });

  // The effect's commit: the inbox handler's client is watched for the COMMIT of the transaction it ran in.
  let tracker = new Tracker(0);
  const pending = new Map<DatabaseClient, string>();
  const watched = new WeakSet<pg.PoolClient>();
  const watch = (client: pg.PoolClient) => {
    if (watched.has(client)) return client;
    watched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as { query: unknown }).query = async (...args: unknown[]) => {
      const result = await query(...args);
      if (args[0] === 'COMMIT' || args[0] === 'ROLLBACK') {
        const id = pending.get(client);
        pending.delete(client);
        if (id !== undefined && args[0] === 'COMMIT') tracker.effect(id);
      }
      return result;
    };
    return client;
  };

  const transport: GeneralMessageHandler = {
    async handle(message) {
      const received: TransactionalMessage = {
        id: message.id,
        aggregateType: message.aggregateType,
        aggregateId: message.aggregateId,
        messageType: message.messageType,
        ...(message.segment === undefined ? {} : { segment: message.segment }),
        concurrency: message.concurrency,
        payload: message.payload,
      };
      await executeTransaction(await receivers.connect(), (client) => storeInbox(received, client));
    },
  };
  const handler: TransactionalMessageHandler = {
    aggregateType: 'order',
    messageType: 'order_placed',
    async handle(message, client) {
      await client.query('INSERT INTO public.effects (message_id, key) VALUES ($1, $2)', [
        message.id,
        message.aggregateId,
      ]);
      pending.set(client, message.id);
    },
  };
  const [stopOutbox] = initializePollingMessageListener(config('outbox'), transport, logger);
  const [stopInbox] = initializePollingMessageListener(config('inbox'), [handler], logger, {
    messageProcessingDbClientStrategy: {
      getClient: async () => watch(await handlers.connect()),
      shutdown: () => handlers.end(),
    },
  });

  const run = async (n: number, offset: number) => {
    tracker = new Tracker(n);
    const current = tracker;
    const produced = produce(n, PRODUCERS, async (j) => {
      const i = offset + j;
      const id = crypto.randomUUID();
      current.started();
      await executeTransaction(await producers.connect(), async (client) => {
        await client.query('INSERT INTO public.orders (id, key, data) VALUES ($1, $2, $3)', [
          `o-${i}`,
          keyOf(i),
          JSON.stringify(payloadOf(i)),
        ]);
        await storeOutbox(
          {
            id,
            aggregateType: 'order',
            aggregateId: keyOf(i),
            messageType: 'order_placed',
            segment: keyOf(i),
            concurrency: 'sequential',
            payload: payloadOf(i),
          },
          client,
        );
      });
      current.produced(id);
    });
    await current.done('pg-transactional-outbox');
    return { tracker: current, producedBy: await produced };
  };
  try {
    await run(Math.min(200, count), 1_000_000); // warm-up: the listeners start with batches of one
    const { tracker: timed, producedBy } = await run(count, 0);
    const { rows } = await producers.query<{ n: number }>('SELECT count(*)::int AS n FROM public.effects');
    return timed.result(
      'pg-transactional-outbox (polling)',
      `polling listeners, nextMessagesBatchSize ${PGTO_BATCH}, polling every ${PGTO_POLL_MS} ms; segment = key`,
      producedBy,
      `check: ${rows[0]!.n} effect rows (warm-up included), ${timed.duplicates} duplicate effects seen`,
    );
  } finally {
    await stopOutbox();
    await stopInbox();
    await producers.end();
    await receivers.end();
  }
}
