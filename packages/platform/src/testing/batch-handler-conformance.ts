import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Broker, Envelope, Subscription } from '../messaging/index.js';
import { currentTraceContext } from '../observability/index.js';
import type { SqlClient } from '../sql/index.js';
import { message, type OpenedBroker, recorder, unique } from './broker-conformance.js';

/** A broker under test for the batch handler suite (`brokerConformance` describes the rest of it). */
export interface OpenedBatchBroker extends OpenedBroker {
  /** Whether the broker hands a batch handler several messages at once (NATS), or one at a time (embedded). */
  takesBatches?: boolean;
}

/** A message in a batch, as `handleBatch` receives it. */
type Handling = { readonly message: Envelope; readonly delivery: { readonly attempt: number } };

const NATS_BATCH_SIZE = 64;

const numbered = (m: Envelope) => (m.data as { n: number }).n;

/**
 * The batch handler conformance suite (ADR 0020): what a subscription with `handleBatch` may rely on, on
 * every broker. A fresh group and subject in every test, so one broker serves them all.
 */
export function batchHandlerConformance(name: string, open: () => Promise<OpenedBatchBroker>): void {
  describe(`batch handler conformance: ${name}`, () => {
    let opened: OpenedBatchBroker;
    let broker: Broker;
    let db: SqlClient;
    const subscriptions: Array<{ stop(): Promise<void> }> = [];

    const subscribe = async (subscription: Subscription) => {
      const subscribed = await broker.subscribe(subscription);
      subscriptions.push(subscribed);
      return subscribed;
    };

    /** A table of effects: one row per handled message, written by one statement per batch. */
    const effects = async () => {
      const table = `batch_effects_${unique()}`;
      await db.exec(`CREATE TABLE ${table} (message_id text NOT NULL, key text NOT NULL, n int NOT NULL)`);
      return {
        insert: (batch: readonly Handling[]) =>
          db.query(
            `INSERT INTO ${table} (message_id, key, n) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`,
            [
              batch.map((h) => h.message.id),
              batch.map((h) => h.message.key),
              batch.map((h) => numbered(h.message)),
            ],
          ),
        ids: async () =>
          (await db.query<{ message_id: string }>(`SELECT message_id FROM ${table}`)).rows.map(
            (r) => r.message_id,
          ),
      };
    };

    beforeAll(async () => {
      opened = await open();
      broker = opened.broker;
      db = opened.db;
    });
    afterAll(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await opened?.close();
    });

    it('handles every message exactly once, in order per key, with one statement per batch', async () => {
      const subject = `b.${unique()}.once`;
      const table = await effects();
      const log = recorder();
      await subscribe({
        group: `g-${unique()}`,
        subjects: [subject],
        handleBatch: async (batch) => {
          await table.insert(batch);
          await db.afterCommit(() => {
            for (const h of batch) log.record(h.message, h.delivery.attempt);
          });
        },
      });
      const keys = ['a', 'b', 'c', 'd'];
      const messages = Array.from({ length: 60 }, (_, n) => message(subject, keys[n % keys.length]!, { n }));
      for (let i = 0; i < messages.length; i += 15) await broker.publish(messages.slice(i, i + 15));
      await log.until(() => log.seen.length >= messages.length);

      const published = messages.map((m) => m.id);
      expect(log.ids().sort()).toEqual([...published].sort());
      const rows = await table.ids();
      expect(rows).toHaveLength(messages.length);
      expect(new Set(rows)).toEqual(new Set(published));
      for (const key of keys) {
        const handled = log.seen.filter((s) => s.message.key === key).map((s) => s.message.id);
        expect(handled).toEqual(messages.filter((m) => m.key === key).map((m) => m.id));
      }
    });

    it('hands over what it holds in batches, in order (NATS: several at once; embedded: one at a time)', async () => {
      const subject = `b.${unique()}.batches`;
      const group = `g-${unique()}`;
      const batches: string[][] = [];
      const log = recorder();
      const handleBatch = async (batch: readonly Handling[]) => {
        await db.afterCommit(() => {
          batches.push(batch.map((h) => h.message.id));
          for (const h of batch) log.record(h.message, h.delivery.attempt);
        });
      };
      // Registers the group, then leaves the messages to pile up until its next member comes.
      await (await broker.subscribe({ group, subjects: [subject], handleBatch })).stop();
      const messages = Array.from({ length: 30 }, (_, n) => message(subject, 'one-key', { n }));
      await broker.publish(messages.slice(0, 10));
      await broker.publish(messages.slice(10));
      await subscribe({ group, subjects: [subject], handleBatch });
      await log.until(() => log.seen.length >= messages.length);

      expect(batches.flat()).toEqual(messages.map((m) => m.id));
      const sizes = batches.map((b) => b.length);
      if (opened.takesBatches) {
        expect(Math.max(...sizes)).toBeGreaterThan(1);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(NATS_BATCH_SIZE);
      } else {
        expect(sizes).toEqual(Array(messages.length).fill(1));
      }
    });

    it('retries and dead-letters only the failing message of a batch, and keeps none of its failed writes', async () => {
      const subject = `b.${unique()}.failing`;
      const group = `g-${unique()}`;
      const table = await effects();
      const log = recorder();
      const messages = Array.from({ length: 10 }, (_, i) => message(subject, 'k', { n: i + 1 }));
      const broken = messages[4]!;
      const handleBatch = async (batch: readonly Handling[]) => {
        // Writes first, then fails: what a failed attempt wrote must be rolled back.
        await table.insert(batch);
        if (batch.some((h) => h.message.id === broken.id)) throw new Error('message 5 is broken');
        await db.afterCommit(() => {
          for (const h of batch) log.record(h.message, h.delivery.attempt);
        });
      };
      await (await broker.subscribe({ group, subjects: [subject], handleBatch })).stop();
      await broker.publish(messages);
      await subscribe({ group, subjects: [subject], maxAttempts: 3, backoff: () => 1, handleBatch });
      const last = messages.at(-1)!;
      await log.until(() => log.ids().includes(last.id));

      const others = messages.filter((m) => m !== broken).map((m) => m.id);
      expect(log.ids()).toEqual(others);
      const rows = await table.ids();
      expect(rows).toHaveLength(others.length);
      expect(new Set(rows)).toEqual(new Set(others));

      const dead = await broker.deadLetters.list(group);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        group,
        messageId: broken.id,
        subject,
        reason: 'message 5 is broken',
        attempts: 3,
      });
    });

    it('retries a message that fails once, counting its attempts', async () => {
      const subject = `b.${unique()}.retry`;
      const log = recorder();
      const attempts: number[] = [];
      await subscribe({
        group: `g-${unique()}`,
        subjects: [subject],
        backoff: () => 1,
        handleBatch: async (batch) => {
          for (const h of batch) attempts.push(h.delivery.attempt);
          if (batch.some((h) => h.delivery.attempt === 1)) throw new Error('not yet');
          await db.afterCommit(() => {
            for (const h of batch) log.record(h.message, h.delivery.attempt);
          });
        },
      });
      const retried = message(subject, 'k', { n: 1 });
      await broker.publish([retried]);
      await log.until(() => log.seen.length >= 1);
      expect(attempts).toEqual([1, 2]);
      expect(log.seen.map((s) => [s.message.id, s.attempt])).toEqual([[retried.id, 2]]);
    });

    it("runs a batch handler in the trace context of the batch's first message", async () => {
      const subject = `b.${unique()}.trace`;
      const group = `g-${unique()}`;
      const log = recorder();
      const contexts: Array<{ first: Envelope; causationId?: string; correlationId?: string }> = [];
      const handleBatch = async (batch: readonly Handling[]) => {
        const context = currentTraceContext();
        contexts.push({
          first: batch[0]!.message,
          ...(context?.causationId ? { causationId: context.causationId } : {}),
          ...(context?.correlationId ? { correlationId: context.correlationId } : {}),
        });
        await db.afterCommit(() => {
          for (const h of batch) log.record(h.message, h.delivery.attempt);
        });
      };
      await (await broker.subscribe({ group, subjects: [subject], handleBatch })).stop();
      // A conversation of its own for each message, so that the first one's is told apart from the others'.
      const messages = Array.from({ length: 12 }, (_, n) => ({
        ...message(subject, 'k', { n }),
        correlationId: `conversation-${n}-${unique()}`,
      }));
      await broker.publish(messages);
      await subscribe({ group, subjects: [subject], handleBatch });
      await log.until(() => log.seen.length >= messages.length);

      expect(contexts.length).toBeGreaterThan(0);
      for (const { first, causationId, correlationId } of contexts) {
        expect(causationId).toBe(first.id);
        expect(correlationId).toBe(first.correlationId);
      }
    });

    it.each([
      ['both handlers', true],
      ['neither handler', false],
    ])('refuses a subscription with %s, and lets its group subscribe properly after', async (_, both) => {
      const subject = `b.${unique()}.refused`;
      const group = `g-${unique()}`;
      const stray = recorder();
      const refused = both
        ? {
            group,
            subjects: [subject],
            handle: async (m: Envelope) => stray.record(m, 0),
            handleBatch: async (batch: readonly Handling[]) => {
              for (const h of batch) stray.record(h.message, 0);
            },
          }
        : { group, subjects: [subject] };
      const subscribing = broker.subscribe(refused as never);
      // Should it be accepted after all, its subscription must not outlive the suite.
      void subscribing.then((s) => subscriptions.push(s)).catch(() => {});
      await expect(subscribing).rejects.toThrow(/handle or a handleBatch/);

      const log = recorder();
      await subscribe({
        group,
        subjects: [subject],
        handleBatch: async (batch) => {
          await db.afterCommit(() => {
            for (const h of batch) log.record(h.message, h.delivery.attempt);
          });
        },
      });
      const messages = Array.from({ length: 5 }, (_, n) => message(subject, 'k', { n }));
      await broker.publish(messages);
      await log.until(() => log.seen.length >= messages.length);
      expect(log.ids()).toEqual(messages.map((m) => m.id));
      expect(stray.seen).toEqual([]);
    });
  });
}
