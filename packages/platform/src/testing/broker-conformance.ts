/**
 * The broker conformance suite (ADR 0008): what every broker adapter must do, run by each adapter's tests
 * against its own broker. An adapter's test file opens its broker and calls the suites with it:
 *
 * ```ts
 * import { batchHandlerConformance, brokerConformance, testDatabases } from '@tessera/platform/testing';
 * import { describe } from 'vitest';
 *
 * describe.each(testDatabases)('my broker on $backend', (backend) => {
 *   const open = async () => {
 *     const opened = await backend.open();
 *     const broker = await createMyBroker({ db: opened.db });
 *     return { broker, db: opened.db, close: async () => { await broker.close(); await opened.close(); } };
 *   };
 *   brokerConformance(`mine (${backend.backend})`, open);
 *   batchHandlerConformance(`mine (${backend.backend})`, open);
 * });
 * ```
 *
 * The suites define vitest suites (`describe`, `it`), so they run under vitest, an optional peer dependency
 * of the platform that only this testing entry point needs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, type Envelope, newEnvelope, type Subscription } from '../messaging/index.js';
import type { SqlClient } from '../sql/index.js';
import { conditions } from './conditions.js';
import { eventually } from './system.js';

/** A broker under test, as an adapter's `open` gives it to the suites. */
export interface OpenedBroker {
  broker: Broker;
  /** The database handlers write to (and, for the embedded broker, the broker's own). */
  db: SqlClient;
  /**
   * Publishes a payload that is not a valid envelope, as it could arrive from the wire, so that it reaches
   * the groups subscribed to `subject`. Without it the poison-message test is skipped.
   */
  publishRaw?: (message: { id: string; subject: string; key: string; payload: unknown }) => Promise<void>;
  /**
   * Whether messages of these two keys may be handled in parallel. A partitioned broker (NATS) orders a
   * whole partition, as Kafka does: keys that share one wait for each other. Default: any two keys.
   */
  independent?: (a: string, b: string) => boolean;
  close(): Promise<void>;
}

/** A short unique token, for the groups and subjects of one test. */
export const unique = () => randomUUID().slice(0, 8);

export const message = (subject: string, key: string, data: unknown = {}, id?: string) =>
  newEnvelope('conformance', {
    type: 'conformance.Happened',
    subject,
    key,
    data,
    ...(id ? { id } : {}),
  });

/** A deferred promise: tests wait on what handlers resolve, never on time. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Records what a handler saw and lets a test wait until a condition holds. */
export function recorder() {
  const seen: Array<{ message: Envelope; attempt: number; member?: string }> = [];
  const { until, settle } = conditions();
  return {
    seen,
    ids: () => seen.map((s) => s.message.id),
    record(message: Envelope, attempt: number, member?: string) {
      seen.push({ message, attempt, ...(member ? { member } : {}) });
      settle();
    },
    until,
    /** Re-checks the conditions (after something else than a record changed). */
    settle,
  };
}

/**
 * The broker conformance suite (ADR 0008). Every adapter runs it. `open` gives a broker and its database;
 * the suite uses a fresh group and subject in every test, so one broker serves them all.
 */
export function brokerConformance(name: string, open: () => Promise<OpenedBroker>): void {
  describe(`broker conformance: ${name}`, () => {
    let opened: OpenedBroker;
    let broker: Broker;
    let db: SqlClient;
    const subscriptions: Array<{ stop(): Promise<void> }> = [];
    // PGlite is one connection: a handler (which runs in a transaction) holds it, so handlers never overlap.
    let parallel = true;

    const subscribe = async (subscription: Subscription) => {
      const subscribed = await broker.subscribe(subscription);
      subscriptions.push(subscribed);
      return subscribed;
    };

    /** A group that records every message it is handed on these subjects. */
    const recording = async (subjects: readonly string[], group = `g-${unique()}`) => {
      const log = recorder();
      await subscribe({ group, subjects, handle: async (m, d) => log.record(m, d.attempt) });
      return log;
    };

    /**
     * Publishes `before` and then one more message on key 'k' of `subject`, and waits until `log` has that
     * last one: what the key held before it has been handled, or dead-lettered, by then.
     */
    const publishThrough = async (
      log: ReturnType<typeof recorder>,
      subject: string,
      ...before: Envelope[]
    ) => {
      const last = message(subject, 'k');
      await broker.publish([...before, last]);
      await log.until(() => log.ids().includes(last.id));
      return last;
    };

    /**
     * A fresh group whose handler does `work` and records the handling once it has committed (so that a
     * count sees it), retrying a failed one at once.
     */
    const committing = async (subject: string, work: (m: Envelope, attempt: number) => Promise<void>) => {
      const log = recorder();
      await subscribe({
        group: `g-${unique()}`,
        subjects: [subject],
        backoff: () => 1,
        handle: async (m, d) => {
          await work(m, d.attempt);
          await db.afterCommit(() => log.record(m, d.attempt));
        },
      });
      return log;
    };

    /**
     * A group that fails, at its one attempt, every message whose data says `fails` (so that it is
     * dead-lettered with this reason) and records the others.
     */
    const deadLettering = async (subject: string, group: string, reason: string) => {
      const log = recorder();
      await subscribe({
        group,
        subjects: [subject],
        maxAttempts: 1,
        handle: async (m, d) => {
          if ((m.data as { fails?: boolean }).fails) throw new Error(reason);
          log.record(m, d.attempt);
        },
      });
      return log;
    };

    /** A fresh table of the message ids a test's handlers write, in their handling's transaction. */
    const effects = async (name: string, column = 'message_id text NOT NULL') => {
      const table = `${name}_${unique()}`;
      await db.exec(`CREATE TABLE ${table} (${column})`);
      return {
        write: (m: Envelope) => db.query(`INSERT INTO ${table} (message_id) VALUES ($1)`, [m.id]),
        /** What committed, in id order. */
        ids: async () =>
          (await db.query<{ message_id: string }>(`SELECT message_id FROM ${table} ORDER BY 1`)).rows.map(
            (row) => row.message_id,
          ),
      };
    };

    beforeAll(async () => {
      opened = await open();
      broker = opened.broker;
      db = opened.db;
      parallel = db.kind !== 'pglite';
    });
    afterAll(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await opened?.close();
    });

    it('refuses a group name that could not be a consumer name on every broker', async () => {
      for (const group of ['a.b', 'a b', '', 'x'.repeat(65), 'g>']) {
        await expect(
          broker.subscribe({ group, subjects: ['c.any'], handle: async () => {} }),
        ).rejects.toThrow(/must be 1–64 letters, digits/);
      }
    });

    it('delivers every published message at least once', async () => {
      const subject = `c.${unique()}.all`;
      const log = await recording([subject]);
      const messages = Array.from({ length: 30 }, (_, i) => message(subject, `k${i % 7}`, { i }));
      await broker.publish(messages.slice(0, 10));
      await broker.publish(messages.slice(10, 11));
      await broker.publish(messages.slice(11));
      await log.until(() => new Set(log.ids()).size === 30);
      expect(new Set(log.ids())).toEqual(new Set(messages.map((m) => m.id)));
    });

    it('gives every group every message, and shares a group among its members without duplicates', async () => {
      const prefix = `c.${unique()}`;
      const shared = `g-${unique()}`;
      const other = `g-${unique()}`;
      const sharedLog = recorder();
      const otherLog = recorder();
      for (const member of ['one', 'two']) {
        await subscribe({
          group: shared,
          subjects: [`${prefix}.>`],
          handle: async (m, d) => sharedLog.record(m, d.attempt, member),
        });
      }
      await subscribe({
        group: other,
        subjects: [`${prefix}.a`, `${prefix}.b.>`],
        handle: async (m, d) => otherLog.record(m, d.attempt),
      });
      const messages = Array.from({ length: 20 }, (_, i) =>
        message(i % 2 ? `${prefix}.a` : `${prefix}.b.c${i}`, `k${i}`, { i }),
      );
      await broker.publish(messages);
      await sharedLog.until(() => sharedLog.seen.length >= 20);
      await otherLog.until(() => otherLog.seen.length >= 20);
      expect(sharedLog.ids().sort()).toEqual(messages.map((m) => m.id).sort());
      expect(otherLog.ids().sort()).toEqual(messages.map((m) => m.id).sort());
    });

    it('matches exact subjects and prefixes token by token, with no other wildcard', async () => {
      const token = unique();
      const group = `g-${unique()}`;
      const log = await recording([`c_${token}.>`, `c.${token}.exact`], group);
      const key = 'k';
      // None of these matches: '_' is no wildcard, '.>' needs one more token, an exact subject is exact.
      const misses = [
        message(`cx${token}.a`, key),
        message(`c_${token}`, key),
        message(`c.${token}.exact.more`, key),
        message(`c.${token}.exac`, key),
      ];
      const hits = [message(`c_${token}.a.b`, key), message(`c.${token}.exact`, key)];
      await broker.publish([...misses, ...hits]);
      // Same key: had a miss been delivered, it would have come before the hits.
      await log.until(() => log.seen.length >= 2);
      expect(log.ids()).toEqual(hits.map((m) => m.id));
    });

    it('hands a group only the types it handles, and leaves none of the others waiting for it', async () => {
      const subject = `c.${unique()}.typed`;
      const group = `g-${unique()}`;
      const log = recorder();
      await subscribe({
        group,
        subjects: [subject],
        types: ['conformance.Wanted'],
        handle: async (m, d) => log.record(m, d.attempt),
      });
      const typed = (type: string) => ({ ...message(subject, 'k'), type });
      const [first, other, second, last] = [
        typed('conformance.Wanted'),
        typed('conformance.Other'),
        typed('conformance.Wanted'),
        typed('conformance.Wanted'),
      ] as const;
      await broker.publish([first, other, second, typed('conformance.Other')]);
      await broker.publish([last]);
      await log.until(() => log.ids().includes(last.id));
      expect(log.ids()).toEqual([first.id, second.id, last.id]);
      await eventually(
        'nothing of the group is pending',
        async () => (await broker.lag()).find((lag) => lag.group === group),
        (lag) => lag?.pending === 0 && lag.deadLetters === 0,
      );
    });

    it('never delivers what a rolled-back transaction published, and delivers what a committed one did', async () => {
      const subject = `c.${unique()}.tx`;
      const log = await recording([subject]);
      const rolledBack = message(subject, 'k');
      const committed = message(subject, 'k');
      await db
        .transaction(async () => {
          await broker.publish([rolledBack]);
          throw new Error('abandon');
        })
        .catch(() => {});
      await db.transaction(() => broker.publish([committed]));
      const fence = await publishThrough(log, subject);
      expect(log.ids()).toEqual([committed.id, fence.id]);
    });

    it('delivers a message published twice with the same id once', async () => {
      const subject = `c.${unique()}.dup`;
      const log = await recording([subject]);
      const once = message(subject, 'k');
      await broker.publish([once]);
      await broker.publish([once, { ...once }]);
      const fence = await publishThrough(log, subject);
      expect(log.ids()).toEqual([once.id, fence.id]);
    });

    it('handles the messages of a key in order, one at a time, while other keys go on', async () => {
      const subject = `c.${unique()}.order`;
      // A second key that the broker may handle beside 'A'.
      const B = ['B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M'].find(
        (key) => opened.independent?.('A', key) ?? true,
      )!;
      const log = recorder();
      const bDone = deferred();
      let inFlightA = 0;
      let overlap = false;
      await subscribe({
        group: `g-${unique()}`,
        subjects: [subject],
        concurrency: 4,
        handle: async (m, d) => {
          const { key, n } = m.data as { key: string; n: number };
          if (key === 'A') {
            inFlightA++;
            if (inFlightA > 1) overlap = true;
            // Slow: the first A waits until every B is handled (where handlers can run in parallel).
            if (n === 0 && parallel) await bDone.promise;
            else await Promise.resolve();
            inFlightA--;
          }
          log.record(m, d.attempt);
          if (key === B && log.seen.filter((s) => s.message.key === B).length === 20) bDone.resolve();
        },
      });
      const messages: Envelope[] = [];
      for (let n = 0; n < 20; n++) {
        messages.push(message(subject, 'A', { key: 'A', n }), message(subject, B, { key: B, n }));
      }
      await broker.publish(messages);
      await log.until(() => log.seen.length >= 40);
      const order = (key: string) =>
        log.seen.filter((s) => s.message.key === key).map((s) => (s.message.data as { n: number }).n);
      const zeroToNineteen = Array.from({ length: 20 }, (_, n) => n);
      expect(order('A')).toEqual(zeroToNineteen);
      expect(order(B)).toEqual(zeroToNineteen);
      expect(overlap).toBe(false);
      const keys = log.seen.map((s) => s.message.key);
      if (parallel) {
        // Every B was handled while the first A was still in its handler.
        expect(keys.slice(0, 20)).toEqual(Array(20).fill(B));
      } else {
        // One connection: no overlap, but B's are not queued behind all the A's.
        expect(keys.indexOf(B)).toBeLessThan(keys.lastIndexOf('A'));
      }
    });

    it("keeps a key's order across the members of a group", async () => {
      const subject = `c.${unique()}.members`;
      const group = `g-${unique()}`;
      const log = recorder();
      let inFlight = 0;
      let overlap = false;
      for (const member of ['one', 'two', 'three']) {
        await subscribe({
          group,
          subjects: [subject],
          handle: async (m, d) => {
            if (++inFlight > 1) overlap = true;
            // Give the other members every chance to take the key's next message meanwhile.
            for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
            inFlight--;
            log.record(m, d.attempt, member);
          },
        });
      }
      const messages = Array.from({ length: 30 }, (_, n) => message(subject, 'one-key', { n }));
      await broker.publish(messages);
      await log.until(() => log.seen.length >= 30);
      expect(log.ids()).toEqual(messages.map((m) => m.id));
      expect(overlap).toBe(false);
    });

    it('retries a failing handler with backoff, counting the attempts', async () => {
      const subject = `c.${unique()}.retry`;
      const log = recorder();
      const attempts: number[] = [];
      const backoffs: number[] = [];
      await subscribe({
        group: `g-${unique()}`,
        subjects: [subject],
        backoff: (attempt) => {
          backoffs.push(attempt);
          return 1;
        },
        handle: async (m, d) => {
          attempts.push(d.attempt);
          if (d.attempt < 3) throw new Error(`not yet (${d.attempt})`);
          log.record(m, d.attempt);
        },
      });
      const retried = message(subject, 'k');
      await broker.publish([retried]);
      await log.until(() => log.seen.length >= 1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(backoffs).toEqual([1, 2]);
      expect(log.seen.map((s) => [s.message.id, s.attempt])).toEqual([[retried.id, 3]]);
    });

    it('dead-letters a message after maxAttempts with the reason, lets its key flow on, and re-drives it', async () => {
      const subject = `c.${unique()}.dead`;
      const group = `g-${unique()}`;
      const log = recorder();
      let failing = true;
      await subscribe({
        group,
        subjects: [subject],
        maxAttempts: 3,
        backoff: () => 1,
        handle: async (m, d) => {
          if (failing && (m.data as { fails?: boolean }).fails) throw new Error('the handler is broken');
          log.record(m, d.attempt);
        },
      });
      const doomed = message(subject, 'k', { fails: true });
      const after = await publishThrough(log, subject, doomed);
      expect(log.ids()).toEqual([after.id]);

      const dead = await broker.deadLetters.list(group);
      expect(dead).toHaveLength(1);
      const letter = dead[0]!;
      expect(letter).toMatchObject({
        group,
        messageId: doomed.id,
        subject,
        type: 'conformance.Happened',
        reason: 'the handler is broken',
        attempts: 3,
      });
      expect((letter.envelope as Envelope).id).toBe(doomed.id);
      expect(letter.deadAt).toBeInstanceOf(Date);

      failing = false;
      expect(await broker.deadLetters.redrive([letter.id])).toBe(1);
      await log.until(() => log.ids().includes(doomed.id));
      expect(log.seen.at(-1)).toMatchObject({ attempt: 1 });
      expect(await broker.deadLetters.list(group)).toEqual([]);
      expect(await broker.deadLetters.redrive([letter.id])).toBe(0);
    });

    it('dead-letters a poison message at once, without calling the handler', async (context) => {
      if (!opened.publishRaw) return context.skip();
      const subject = `c.${unique()}.poison`;
      const group = `g-${unique()}`;
      const log = await recording([subject], group);
      const poisonId = randomUUID();
      await opened.publishRaw({ id: poisonId, subject, key: 'k', payload: { id: poisonId, hello: 'world' } });
      const after = await publishThrough(log, subject);
      expect(log.ids()).toEqual([after.id]);
      const dead = await broker.deadLetters.list(group);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ messageId: poisonId, subject, type: '', attempts: 0 });
      expect(dead[0]!.reason).toMatch(/^poison message/);
    });

    it('dead-letters data that storage cannot hold at once, naming the field, and still lists, shows and re-drives it', async () => {
      const subject = `c.${unique()}.unstorable`;
      const group = `g-${unique()}`;
      const log = await recording([subject], group);
      // As a producer that does not check (another process, an older version) would publish them.
      const nul = message(subject, 'k', { paymentId: 'p\u0000q' });
      const surrogate = message(subject, 'k', { note: ['ok', 'x\ud800'] });
      const after = await publishThrough(log, subject, nul, surrogate);
      expect(log.ids()).toEqual([after.id]);

      const dead = await broker.deadLetters.list(group);
      expect(dead.map((letter) => [letter.messageId, letter.attempts, letter.reason])).toEqual([
        [nul.id, 0, expect.stringMatching(/^poison message: data\.paymentId: holds a NUL character/)],
        [
          surrogate.id,
          0,
          expect.stringMatching(/^poison message: data\.note\.1: holds a lone UTF-16 surrogate/),
        ],
      ]);
      const shown = await broker.deadLetters.get(dead[0]!.id);
      expect(shown?.envelope).toMatchObject({ id: nul.id, data: { paymentId: 'p\u0000q' } });
      expect(await broker.deadLetters.redrive(dead.map((letter) => letter.id))).toBe(2);
      expect((await broker.deadLetters.list(group)).map((letter) => letter.id)).not.toContain(dead[0]!.id);
    });

    it('pages the dead letters, the oldest first, each once', async () => {
      const subject = `c.${unique()}.pages`;
      const group = `g-${unique()}`;
      const log = await deadLettering(subject, group, 'the handler is broken');
      const doomed = [1, 2, 3].map(() => message(subject, 'k', { fails: true }));
      await publishThrough(log, subject, ...doomed);

      const first = await broker.deadLetters.page(group, { limit: 2 });
      expect(first.items.map((letter) => letter.messageId)).toEqual(doomed.slice(0, 2).map((m) => m.id));
      expect(first.next).toBeDefined();
      const last = await broker.deadLetters.page(group, { limit: 2, after: first.next! });
      expect(last.items.map((letter) => letter.messageId)).toEqual([doomed[2]!.id]);
      expect(last.next).toBeUndefined();
      expect((await broker.deadLetters.page(group, { limit: 3 })).next).toBeUndefined();
      expect((await broker.deadLetters.page(undefined, { limit: 100 })).items.length).toBeGreaterThanOrEqual(
        3,
      );
    });

    it('dead-letters a message whose handler fails with text storage cannot hold in its reason', async () => {
      const subject = `c.${unique()}.reason`;
      const group = `g-${unique()}`;
      const log = await deadLettering(subject, group, 'no payment p\u0000q\ud800');
      const doomed = message(subject, 'k', { fails: true });
      await publishThrough(log, subject, doomed);
      const dead = await broker.deadLetters.list(group);
      expect(dead).toMatchObject([
        { messageId: doomed.id, attempts: 1, reason: 'no payment p\ufffdq\ufffd' },
      ]);
    });

    it('dead-letters a poison message whose own id and type storage cannot hold, and lists it', async (context) => {
      if (!opened.publishRaw) return context.skip();
      const subject = `c.${unique()}.poison-text`;
      const group = `g-${unique()}`;
      const log = await recording([subject], group);
      const payload = { ...message(subject, 'k'), id: 'm\u0000', type: 't\u0000.X', key: 'k\u0000' };
      await opened.publishRaw({ id: randomUUID(), subject, key: 'k', payload });
      await publishThrough(log, subject);
      const dead = await broker.deadLetters.list(group);
      expect(dead).toMatchObject([
        { subject, attempts: 0, reason: expect.stringMatching(/^poison message/) },
      ]);
      expect((await broker.deadLetters.get(dead[0]!.id))?.envelope).toMatchObject({ id: 'm\u0000' });
    });

    it("commits a handler's effects with its ack, or neither (crash before ack)", async () => {
      const table = await effects('effects');
      const subject = `c.${unique()}.atomic`;
      const committed: number[] = [];
      const log = await committing(subject, async (m, attempt) => {
        await table.write(m);
        await db.afterCommit(() => {
          committed.push(attempt);
        });
        if (attempt === 1) throw new Error('crashed before the ack');
      });
      const effectful = message(subject, 'k');
      await broker.publish([effectful]);
      await log.until(() => log.seen.length >= 1);
      expect(await table.ids()).toEqual([effectful.id]);
      expect(log.seen[0]!.attempt).toBe(2);
      // What the failed attempt had scheduled for after its commit never ran.
      expect(committed).toEqual([2]);
    });

    it("retries a handler whose own SQL failed, with its transaction's earlier work intact", async () => {
      const table = await effects('sqlfail', 'message_id text NOT NULL PRIMARY KEY');
      const subject = `c.${unique()}.sqlfail`;
      const errors: number[] = [];
      const log = await committing(subject, async (m, attempt) => {
        await table.write(m);
        if (attempt === 1) {
          // Fails in the database (the id is taken): the transaction is aborted, as a failing statement leaves it.
          await table.write(m).catch((error: unknown) => {
            errors.push(attempt);
            throw error;
          });
        }
      });
      const first = message(subject, 'k');
      const second = message(subject, 'k');
      await broker.publish([first, second]);
      await log.until(() => log.seen.length >= 2);
      expect(errors).toEqual([1, 1]);
      expect(log.seen.map((s) => [s.message.id, s.attempt])).toEqual([
        [first.id, 2],
        [second.id, 2],
      ]);
      expect(await table.ids()).toEqual([first.id, second.id].sort());
    });

    it('waits for the handlers in flight when stopped, and then takes no more', async () => {
      const subject = `c.${unique()}.stop`;
      const group = `g-${unique()}`;
      const started = deferred();
      const release = deferred();
      const events: string[] = [];
      const subscribed = await subscribe({
        group,
        subjects: [subject],
        handle: async (m) => {
          events.push(`start ${(m.data as { n: number }).n}`);
          started.resolve();
          await release.promise;
          events.push(`end ${(m.data as { n: number }).n}`);
        },
      });
      await broker.publish([message(subject, 'k', { n: 1 })]);
      await started.promise;
      const stopping = subscribed.stop().then(() => events.push('stopped'));
      release.resolve();
      await stopping;
      expect(events).toEqual(['start 1', 'end 1', 'stopped']);

      // What comes after the stop waits for the group's next member.
      await broker.publish([message(subject, 'k', { n: 2 })]);
      const log = recorder();
      await subscribe({ group, subjects: [subject], handle: async (m, d) => log.record(m, d.attempt) });
      await log.until(() => log.seen.length >= 1);
      expect(events).toEqual(['start 1', 'end 1', 'stopped']);
      expect(log.seen.map((s) => (s.message.data as { n: number }).n)).toEqual([2]);
    });
  });
}
