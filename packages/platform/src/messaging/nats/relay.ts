import type { NatsConnection } from '@nats-io/transport-node';
import { messagesRelayed } from '../../observability/index.js';
import { identifier, type SqlClient } from '../../sql/index.js';
import { type Faults, isCrash } from '../faults.js';
import { jetStreamPublisher } from './jetstream-publisher.js';
import { outboxChannel } from './schema.js';

export interface RelayOptions {
  db: SqlClient;
  nc: NatsConnection;
  schema: string;
  /** Rows published per pass (one transaction). Default 500. */
  batchSize?: number;
  /** A safety net: the relay wakes on each commit (NOTIFY); this covers a relay elsewhere that died mid-pass. Default 5 s. */
  idleRecheckMs?: number;
  faults: Faults;
  onError: (error: unknown) => void;
  /** Called when a simulated crash kills the relay (the broker then dies too). */
  onCrash: () => void;
}

export interface Relay {
  /** Resolves once the outbox is empty (what was written before the call has reached NATS). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

type Pass = 'published' | 'empty' | 'elsewhere';

/**
 * The outbox relay (ADR 0008). Each pass runs in one transaction that first takes a transaction-scoped
 * advisory lock: one relay at a time publishes, in outbox order, so a key's messages reach the stream in
 * the order they were written however many processes run a relay. A pass publishes a batch asynchronously
 * (pipelined: JetStream keeps the order of one connection), waits for every acknowledgement, then deletes
 * the rows. A crash anywhere republishes the batch; `Nats-Msg-Id` makes JetStream drop the copies within
 * its duplicate window, and the consumers' inbox drops any that come later.
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { db, faults } = options;
  const publisher = jetStreamPublisher(options.nc);
  const s = identifier(options.schema);
  const batchSize = options.batchSize ?? 500;
  const idleRecheckMs = options.idleRecheckMs ?? 5_000;
  const lockKey = `${options.schema}.outbox relay`;
  const sql = {
    lock: 'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
    batch: `SELECT position, message_id, nats_subject, payload FROM ${s}.outbox ORDER BY position LIMIT $1`,
    remove: `DELETE FROM ${s}.outbox WHERE position = ANY($1::bigint[])`,
  };

  let stopped = false;
  let generation = 0;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    generation++;
    wake?.();
  };
  const idle: Array<() => void> = [];

  const pass = () =>
    db.transaction(async (): Promise<Pass> => {
      const { rows: locked } = await db.query<{ locked: boolean }>(sql.lock, [lockKey]);
      if (!locked[0]?.locked) return 'elsewhere';
      const { rows } = await db.query<{
        position: number;
        message_id: string;
        nats_subject: string;
        payload: string;
      }>(sql.batch, [batchSize]);
      if (rows.length === 0) return 'empty';
      faults('beforeRelayPublish', {});
      await publisher.publishAll(
        rows.map((row) => [row.nats_subject, row.payload, row.message_id] as const),
        (published) => {
          if (published < rows.length) faults('midRelayPublish', { published });
        },
      );
      faults('afterRelayPublishBeforeRemove', {});
      await db.query(sql.remove, [rows.map((row) => row.position)]);
      await db.afterCommit(() => messagesRelayed.inc(rows.length));
      return 'published';
    });

  // Listening before the first pass: a commit in between still wakes the relay.
  const unlisten = await db.listen(outboxChannel(options.schema), wakeUp);
  const loop = (async () => {
    let pause = 50;
    while (!stopped) {
      const seen = generation;
      let outcome: Pass;
      try {
        outcome = await pass();
        pause = 50;
      } catch (error) {
        if (isCrash(error)) {
          stopped = true;
          options.onCrash();
          return;
        }
        options.onError(error);
        await sleep(seen, pause);
        pause = Math.min(pause * 2, 5_000);
        continue;
      }
      if (outcome === 'published') continue;
      if (outcome === 'empty') for (const resolve of idle.splice(0)) resolve();
      await sleep(seen, idleRecheckMs);
    }
  })();

  function sleep(seen: number, ms: number) {
    return new Promise<void>((resolve) => {
      if (stopped || generation !== seen) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  return {
    drain() {
      return new Promise<void>((resolve) => {
        if (stopped) return resolve();
        idle.push(resolve);
        wakeUp();
      });
    },
    async stop() {
      stopped = true;
      wakeUp();
      await loop;
      publisher.close();
      await unlisten();
      for (const resolve of idle.splice(0)) resolve();
    },
  };
}
