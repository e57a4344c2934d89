import type { NatsConnection } from '@nats-io/transport-node';
import { identifier } from '../../sql/errors.js';
import type { SqlClient } from '../../sql/index.js';
import type { Envelope } from '../envelope.js';
import { type Faults, isCrash } from '../faults.js';
import { messagesRelayed } from '../metrics.js';
import { sending } from '../spans.js';
import { jetStreamPublisher } from './jetstream-publisher.js';
import { outboxChannel } from './schema.js';

export interface RelayOptions {
  db: SqlClient;
  nc: NatsConnection;
  schema: string;
  /** The JetStream stream the relay publishes to (its spans' destination). */
  stream: string;
  /** Rows published per pass (one transaction). Default 500. */
  batchSize?: number;
  /**
   * A safety net: the relay wakes after each commit of its process that wrote to the outbox (`wake`), and
   * on a NOTIFY (a re-drive from the operations CLI); this covers what a process that died left behind.
   * Default 5 s.
   */
  idleRecheckMs?: number;
  faults: Faults;
  onError: (error: unknown) => void;
  /** Called when a simulated crash kills the relay (the broker then dies too). */
  onCrash: () => void;
}

export interface Relay {
  /** Something was committed to the outbox: a pass starts at once (or right after the one running). */
  wake(): void;
  /** Resolves once the outbox is empty (what was written before the call has reached NATS). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The outbox relay (ADR 0008, 0020). Each pass runs in one transaction that first waits for a
 * transaction-scoped advisory lock: one relay at a time publishes, in outbox order, so a key's messages
 * reach the stream in the order they were written however many processes run a relay. A pass publishes a batch asynchronously
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
    // Its turn, then the batch, in one call (schema.ts). Waiting, not trying: a relay woken by its own
    // process's commit must run a pass after the one of another process's relay that holds the lock, which
    // may have read the outbox before that commit.
    batch: `SELECT position, message_id, nats_subject, payload FROM ${s}.relay_batch($1, $2)`,
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

  /** One pass; whether a whole batch went, so that more may wait (a shorter pass saw the whole outbox). */
  const pass = () =>
    db.transaction(async (): Promise<boolean> => {
      const { rows } = await db.query<{
        position: number;
        message_id: string;
        nats_subject: string;
        payload: string;
      }>(sql.batch, [lockKey, batchSize]);
      if (rows.length === 0) return false;
      faults('beforeRelayPublish', {});
      await sending(
        'nats',
        () => options.stream,
        () => rows.map((row) => JSON.parse(row.payload) as Envelope),
        () =>
          publisher.publishAll(
            rows.map((row) => [row.nats_subject, row.payload, row.message_id] as const),
            (published) => {
              if (published < rows.length) faults('midRelayPublish', { published });
            },
          ),
        'root',
      );
      faults('afterRelayPublishBeforeRemove', {});
      // With the COMMIT, in one write.
      await db.atCommit(sql.remove, [rows.map((row) => row.position)]);
      await db.afterCommit(() => messagesRelayed.inc(rows.length));
      return rows.length === batchSize;
    });

  // Listening before the first pass: a commit in between still wakes the relay.
  const unlisten = await db.listen(outboxChannel(options.schema), wakeUp);
  const loop = (async () => {
    let pause = 50;
    while (!stopped) {
      const seen = generation;
      // Drains asked before this pass began: its snapshot sees what their callers had committed.
      const draining = idle.length;
      let full: boolean;
      try {
        full = await pass();
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
      if (full) continue;
      // The pass saw the whole outbox: a commit to it since has woken the relay (its generation moved), and
      // the next pass starts at once; otherwise, an empty pass would only find what this one did not.
      for (const resolve of idle.splice(0, draining)) resolve();
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
    wake: wakeUp,
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
