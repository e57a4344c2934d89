import {
  type Broker,
  createEmbeddedBroker,
  embeddedBrokerMigrations,
  newEnvelope,
} from '@tessera/platform/messaging';
import { migrate, postgresClient, type SqlClient } from '@tessera/platform/sql';
import {
  batchHandlerConformance,
  brokerConformance,
  eventually,
  type OpenedBatchBroker,
  pgliteTestDatabase,
  postgresTestDatabase,
  type TestDatabase,
  testDatabases,
} from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { countedQueries } from '../support/counted-queries.js';

// An hour: when a test passes, the workers were woken by notifications and retry timers, not by the safety net.
const NEVER = 3_600_000;

/** A broker on a fresh database whose statements pass through `counted`: its claims are counted. */
async function openCounting(backend: TestDatabase) {
  const opened = await backend.open();
  await migrate(opened.db, [embeddedBrokerMigrations('broker')]);
  const counted = countedQueries(opened.db, (text) => text.includes('WITH claimed AS'));
  return { opened, counted, broker: createEmbeddedBroker({ db: counted.client, idleRecheckMs: NEVER }) };
}

/** Group g of `broker`, on subject x.a, one worker: what it handled, and how many deliveries are left. */
async function recordedGroup(broker: Broker, db: SqlClient) {
  const handled: number[] = [];
  await broker.subscribe({
    group: 'g',
    subjects: ['x.a'],
    concurrency: 1,
    async handle(message) {
      handled.push(message.data as number);
    },
  });
  const left = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM broker.deliveries')).rows[0]!.n;
  return { handled, left };
}

describe.each(testDatabases)('embedded broker on $backend', (backend) => {
  const open = async (): Promise<OpenedBatchBroker> => {
    const opened = await backend.open();
    await migrate(opened.db, [embeddedBrokerMigrations('broker')]);
    const broker = createEmbeddedBroker({ db: opened.db, idleRecheckMs: NEVER });
    return {
      broker,
      db: opened.db,
      takesBatches: false,
      // Through the broker's own publish function, as a broken publisher could have stored it.
      publishRaw: async ({ id, subject, key, payload }) => {
        await opened.db.query('SELECT broker.publish($1::text[], $2::text[], $3::text[], $4::text[])', [
          [id],
          [subject],
          [key],
          [JSON.stringify(payload)],
        ]);
      },
      async close() {
        await broker.close();
        await opened.close();
      },
    };
  };
  brokerConformance(`embedded (${backend.backend})`, open);
  batchHandlerConformance(`embedded (${backend.backend})`, open);

  it('publishes a batch in one statement, in order, skipping repeated ids, into a schema of its choosing', async () => {
    const opened = await backend.open();
    try {
      await migrate(opened.db, [embeddedBrokerMigrations('bus')]);
      const broker = createEmbeddedBroker({ db: opened.db, schema: 'bus', idleRecheckMs: NEVER });
      await opened.db.query(
        `INSERT INTO bus.groups (name, pattern) VALUES ('g', 'x.>'), ('g', 'x.a'), ('h', 'x.a')`,
      );
      const first = newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: 'k', data: 1 });
      const second = newEnvelope('tests', { type: 'tests.Happened', subject: 'x.b', key: 'k', data: 2 });
      await broker.publish([first, second, first]);
      await broker.publish([second]);
      const messages = await opened.db.query<{ id: string }>('SELECT id FROM bus.messages ORDER BY position');
      expect(messages.rows.map((r) => r.id)).toEqual([first.id, second.id]);
      const deliveries = await opened.db.query<{ group_name: string; id: string }>(
        `SELECT d.group_name, m.id FROM bus.deliveries d JOIN bus.messages m USING (position)
          ORDER BY d.group_name, d.position`,
      );
      expect(deliveries.rows).toEqual([
        { group_name: 'g', id: first.id },
        { group_name: 'g', id: second.id },
        { group_name: 'h', id: first.id },
      ]);
      await expect(broker.publish([{ ...first, id: '' }])).rejects.toThrow();
      await broker.close();
    } finally {
      await opened.close();
    }
  });

  it('writes no delivery of a type its group does not handle, by its latest registration', async () => {
    const opened = await backend.open();
    const broker = createEmbeddedBroker({ db: opened.db, idleRecheckMs: NEVER });
    try {
      await migrate(opened.db, [embeddedBrokerMigrations('broker')]);
      // Registered and stopped: what is published next stays in their deliveries, for this test to read.
      const register = async (group: string, types?: readonly string[]) =>
        (
          await broker.subscribe({
            group,
            subjects: ['x.>'],
            ...(types && { types }),
            handle: async () => {},
          })
        ).stop();
      await register('all');
      await register('typed', ['test.Wanted']);
      const typed = (type: string) => newEnvelope('test', { type, subject: 'x.a', key: 'k', data: {} });
      const delivered = async (...envelopes: ReturnType<typeof typed>[]) => {
        await broker.publish(envelopes);
        const { rows } = await opened.db.query<{ group: string; type: string }>(
          `SELECT d.group_name AS group, m.envelope->>'type' AS type
             FROM broker.deliveries d JOIN broker.messages m ON m.position = d.position
            WHERE m.id = ANY($1::text[]) ORDER BY d.group_name, d.position`,
          [envelopes.map((e) => e.id)],
        );
        return rows.map(({ group, type }) => `${group} ${type}`);
      };
      expect(await delivered(typed('test.Wanted'), typed('test.Other'))).toEqual([
        'all test.Wanted',
        'all test.Other',
        'typed test.Wanted',
      ]);
      // A new version of the group handles another type: its registration is what counts from then on.
      await register('typed', ['test.Other']);
      expect(await delivered(typed('test.Wanted'), typed('test.Other'))).toEqual([
        'all test.Wanted',
        'all test.Other',
        'typed test.Other',
      ]);
      await register('typed');
      expect(await delivered(typed('test.Wanted'))).toEqual(['all test.Wanted', 'typed test.Wanted']);
    } finally {
      await broker.close();
      await opened.close();
    }
  });

  it("records a handling in the inbox with its claim, by the envelope's id, and never a dead message's", async () => {
    const opened = await open();
    try {
      const { broker, db } = opened;
      const handled: string[] = [];
      await broker.subscribe({
        group: 'g',
        subjects: ['x.a'],
        async handle(message) {
          handled.push(message.id);
        },
      });
      const inbox = async () =>
        (
          await db.query<{ message_id: string }>(`SELECT message_id FROM broker.inbox WHERE group_name = 'g'`)
        ).rows
          .map((row) => row.message_id)
          .sort();
      const settled = async (dead: number) => {
        await eventually(
          'every delivery is done',
          async () =>
            (await db.query<{ left: number }>(`SELECT count(*)::int AS left FROM broker.deliveries`)).rows[0]!
              .left,
          (left) => left === 0,
        );
        expect(await broker.deadLetters.list('g')).toHaveLength(dead);
      };

      const message = newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: 'k', data: 1 });
      await broker.publish([message]);
      // A copy of the same envelope under another row id, as a transport's duplicate would be.
      await opened.publishRaw!({ id: `${message.id}#copy`, subject: 'x.a', key: 'k', payload: message });
      await settled(0);
      expect(handled).toEqual([message.id]);
      expect(await inbox()).toEqual([message.id]);

      // Not an envelope: dead at once, and no handling recorded for it.
      await opened.publishRaw!({ id: 'not-an-envelope', subject: 'x.a', key: 'k', payload: { nope: 1 } });
      await settled(1);
      expect(await inbox()).toEqual([message.id]);
    } finally {
      await opened.close();
    }
  });

  it('handles what waits, one delivery per key, in one claim and one transaction', async () => {
    const { opened, counted, broker } = await openCounting(backend);
    try {
      await opened.db.query(`INSERT INTO broker.groups (name, pattern) VALUES ('g', 'x.a')`);
      // Five keys, and a second message of key k1 that must wait for the first one's commit.
      const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k1'];
      await broker.publish(
        keys.map((key, i) => newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key, data: i })),
      );
      const handled: Array<{ data: number; tx: string }> = [];
      await broker.subscribe({
        group: 'g',
        subjects: ['x.a'],
        concurrency: 1,
        async handle(message) {
          const { rows } = await opened.db.query<{ tx: string }>('SELECT txid_current()::text AS tx');
          handled.push({ data: message.data as number, tx: rows[0]!.tx });
        },
      });
      await eventually(
        'all handled',
        async () => handled.length,
        (n) => n === keys.length,
      );
      await broker.close();
      expect(handled.map((h) => h.data)).toEqual([0, 1, 2, 3, 4, 5]);
      if (backend.backend === 'pglite') {
        // The first five in one transaction; k1's second after it, in a claim of its own.
        expect(new Set(handled.slice(0, 5).map((h) => h.tx)).size).toBe(1);
        expect(handled[5]!.tx).not.toBe(handled[0]!.tx);
        expect(counted.count()).toBe(2);
      } else {
        // PostgreSQL's workers run apart: one delivery per claim, so a slow handler holds no other key.
        expect(new Set(handled.map((h) => h.tx)).size).toBe(6);
        expect(counted.count()).toBe(6);
      }
    } finally {
      await opened.close();
    }
  });

  it('with gatherMs, takes the first delivery after a quiet spell at once, and what follows soon in one claim (on PGlite)', async () => {
    const { opened, counted, broker } = await openCounting(backend);
    try {
      const handled: number[] = [];
      await broker.subscribe({
        group: 'g',
        subjects: ['x.a'],
        concurrency: 1,
        // Far longer than the publishes below take.
        gatherMs: 1_000,
        async handle(message) {
          handled.push(message.data as number);
        },
      });
      const publish = (key: string, data: number) =>
        broker.publish([newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key, data })]);
      await publish('k0', 0);
      await eventually(
        'the first is handled',
        async () => handled.length,
        (n) => n === 1,
      );
      const claimsForTheFirst = counted.count();
      for (const [i, key] of ['k1', 'k2', 'k3'].entries()) await publish(key, i + 1);
      await eventually(
        'all are handled',
        async () => handled.length,
        (n) => n === 4,
      );
      expect(handled).toEqual([0, 1, 2, 3]);
      // On PGlite the three wait for one claim; on PostgreSQL a claim takes one delivery, so there is nothing to
      // gather, and each goes as it comes.
      expect(counted.count() - claimsForTheFirst).toBe(backend.backend === 'pglite' ? 1 : 3);
    } finally {
      await broker.close();
      await opened.close();
    }
  });

  it('takes a batch again one at a time when a handler of it fails, and records the failure on its own delivery', async () => {
    const opened = await backend.open();
    try {
      await migrate(opened.db, [embeddedBrokerMigrations('broker')]);
      await opened.db.exec('CREATE TABLE effects (data int NOT NULL)');
      const broker = createEmbeddedBroker({ db: opened.db, idleRecheckMs: NEVER });
      await opened.db.query(`INSERT INTO broker.groups (name, pattern) VALUES ('g', 'x.a')`);
      await broker.publish(
        [0, 1, 2, 3].map((i) =>
          newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: `k${i}`, data: i }),
        ),
      );
      const calls: Array<{ data: number; attempt: number }> = [];
      await broker.subscribe({
        group: 'g',
        subjects: ['x.a'],
        concurrency: 1,
        backoff: () => 0,
        async handle(message, delivery) {
          const data = message.data as number;
          calls.push({ data, attempt: delivery.attempt });
          await opened.db.query('INSERT INTO effects (data) VALUES ($1)', [data]);
          // Fails in the batch, and once more alone (a recorded attempt); the third call succeeds.
          if (data === 1 && calls.filter((c) => c.data === 1).length <= 2) throw new Error('not yet');
        },
      });
      await eventually(
        'every delivery done',
        async () =>
          (await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM broker.deliveries')).rows[0]!
            .n,
        (n) => n === 0,
      );
      await broker.close();
      const effects = await opened.db.query<{ data: number }>('SELECT data FROM effects ORDER BY data');
      expect(effects.rows.map((r) => r.data)).toEqual([0, 1, 2, 3]);
      if (backend.backend === 'pglite') {
        // The batch (0, then 1 failing), then alone: 0, 1 failing (recorded), 2, 3; then 1's retry, attempt 2.
        expect(calls.filter((c) => c.data === 1)).toEqual([
          { data: 1, attempt: 1 },
          { data: 1, attempt: 1 },
          { data: 1, attempt: 2 },
        ]);
        expect(calls.filter((c) => c.data === 0)).toHaveLength(2);
      } else {
        // No batches on PostgreSQL: each failure is an attempt of its own.
        expect(calls.filter((c) => c.data === 1)).toEqual([
          { data: 1, attempt: 1 },
          { data: 1, attempt: 2 },
          { data: 1, attempt: 3 },
        ]);
        expect(calls.filter((c) => c.data === 0)).toHaveLength(1);
      }
      expect(calls.filter((c) => c.data === 3)).toHaveLength(1);
      expect(await broker.deadLetters.list('g')).toHaveLength(0);
    } finally {
      await opened.close();
    }
  });

  it('sleeps after a handling that left its group nothing, instead of looking again', async () => {
    const { opened, counted, broker } = await openCounting(backend);
    try {
      const { handled, left } = await recordedGroup(broker, opened.db);
      const rounds = 12;
      for (let i = 1; i <= rounds; i++) {
        await broker.publish([
          newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: 'k', data: i }),
        ]);
        await eventually(`message ${i} handled`, left, (n) => n === 0);
      }
      // Two at once: the first claim says there is more, so the second is taken without waiting for a wake-up.
      await broker.publish([
        newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: 'k', data: rounds + 1 }),
        newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key: 'k', data: rounds + 2 }),
      ]);
      await eventually('the pair handled', left, (n) => n === 0);
      await broker.close();
      expect(handled).toEqual(Array.from({ length: rounds + 2 }, (_, i) => i + 1));
      // One claim per message and the first, empty one: a worker that looked again after each handling would
      // have made about twice as many. One more is allowed for a wake-up racing a claim.
      expect(counted.count()).toBeGreaterThanOrEqual(rounds + 2);
      expect(counted.count()).toBeLessThanOrEqual(rounds + 4);
    } finally {
      await opened.close();
    }
  });
});

describe.each(testDatabases)('embedded broker retries on $backend', (backend) => {
  it('reports a failure once recorded, and keeps the delivery until its backoff has passed', async () => {
    const opened = await backend.open();
    try {
      await migrate(opened.db, [embeddedBrokerMigrations()]);
      let reported!: (report: { error: unknown; context: object }) => void;
      const failure = new Promise<{ error: unknown; context: object }>((resolve) => {
        reported = resolve;
      });
      const broker = createEmbeddedBroker({
        db: opened.db,
        idleRecheckMs: NEVER,
        onError: (error, context) => reported({ error, context }),
      });
      await expect(
        opened.db.transaction(() =>
          broker.subscribe({ group: 'g', subjects: ['r.a'], handle: async () => {} }),
        ),
      ).rejects.toThrow(/outside a transaction/);
      const subscribed = await broker.subscribe({
        group: 'g',
        subjects: ['r.a'],
        backoff: () => 60_000,
        handle: async () => {
          throw new Error('nope');
        },
      });
      const failing = newEnvelope('tests', { type: 'tests.Happened', subject: 'r.a', key: 'k', data: 1 });
      await broker.publish([failing]);
      const { error, context } = await failure;
      expect((error as Error).message).toBe('nope');
      expect(context).toEqual({ group: 'g', messageId: failing.id, attempt: 1 });
      const { rows } = await opened.db.query<{ attempts: number; later: boolean }>(
        `SELECT attempts, available_at > now() + interval '50 seconds' AS later FROM broker.deliveries`,
      );
      expect(rows).toEqual([{ attempts: 1, later: true }]);
      await subscribed.stop();
      await broker.close();
    } finally {
      await opened.close();
    }
  });
});

describe('embedded broker across processes (PostgreSQL)', () => {
  it('shares a group between processes and wakes each for what the other publishes', async () => {
    const opened = await postgresTestDatabase.open();
    const elsewhere = postgresClient({ connectionString: opened.url! });
    try {
      await migrate(opened.db, [embeddedBrokerMigrations()]);
      const here = createEmbeddedBroker({ db: opened.db, idleRecheckMs: NEVER });
      const there = createEmbeddedBroker({ db: elsewhere, idleRecheckMs: NEVER });
      const handled: Array<{ id: string; by: string }> = [];
      let done!: () => void;
      const allDone = new Promise<void>((resolve) => {
        done = resolve;
      });
      const handle = (by: string) => async (message: { id: string }) => {
        handled.push({ id: message.id, by });
        if (handled.length === 40) done();
      };
      await here.subscribe({ group: 'shared', subjects: ['p.>'], handle: handle('here') });
      await there.subscribe({ group: 'shared', subjects: ['p.>'], handle: handle('there') });
      const make = (i: number) =>
        newEnvelope('tests', { type: 'tests.Happened', subject: `p.s${i % 3}`, key: `k${i % 5}`, data: i });
      const fromHere = Array.from({ length: 20 }, (_, i) => make(i));
      const fromThere = Array.from({ length: 20 }, (_, i) => make(20 + i));
      await Promise.all([here.publish(fromHere), there.publish(fromThere)]);
      await allDone;
      expect(handled.map((h) => h.id).sort()).toEqual([...fromHere, ...fromThere].map((m) => m.id).sort());
      await Promise.all([here.close(), there.close()]);
    } finally {
      await elsewhere.close();
      await opened.close();
    }
  });
});

// One connection runs every transaction in turn: a worker counts its wake-ups from its claim's answer on.
describe('embedded broker on PGlite', () => {
  it('makes no empty claim for a wake-up whose publish its claim already saw', async () => {
    const { opened, counted, broker } = await openCounting(pgliteTestDatabase);
    try {
      const { handled, left } = await recordedGroup(broker, opened.db);
      // Two commits in a row: the first one's wake-up sends a claim, which the database's thread runs after
      // the second commit. The second wake-up reaches the worker before the claim's answer, which has both.
      await Promise.all(
        ['a', 'b'].map((key, i) =>
          broker.publish([newEnvelope('tests', { type: 'tests.Happened', subject: 'x.a', key, data: i })]),
        ),
      );
      await eventually('both handled', left, (n) => n === 0);
      await broker.close();
      expect(handled).toEqual([0, 1]);
      // The first, empty claim at the start, then one claim for both: no empty claim after it.
      expect(counted.count()).toBe(2);
    } finally {
      await opened.close();
    }
  });
});
