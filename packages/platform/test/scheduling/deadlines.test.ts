import { metricsRegistry } from '@tessera/platform/observability';
import { manualClock } from '@tessera/platform/scheduling';
import { postgresClient } from '@tessera/platform/sql';
import { testSetups } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { deadlineEnvelope, openScheduling, publications } from './support.js';

const metricValue = async (name: string, labels: Record<string, string>) => {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    ?.value;
};
const firedCount = async () =>
  (await metricValue('scheduling_deadlines_fired_total', { schema: 'scheduling' })) ?? 0;

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(testSetups)('deadlines on $backend.backend with the $broker broker', (setup) => {
  it('fires at the due time of the injected clock, not before, once', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const broker = await env.openBroker();
      const published = publications();
      const deadlines = env.deadlines(env.db, published.spy(broker, env.db), { clock });
      const received = await env.record(broker);
      await deadlines.start();

      const reminder = deadlineEnvelope('reminder', { n: 1 });
      const marker = deadlineEnvelope('marker');
      await deadlines.schedule({ id: 'lc-1:reminder', at: at(10_000), envelope: reminder });
      await deadlines.schedule({ id: 'lc-1:marker', at: at(5_000), envelope: marker });
      const firedBefore = await firedCount();
      expect(await metricValue('scheduling_deadlines_pending', { schema: 'scheduling' })).toBe(2);

      clock.advance(9_999);
      await received.hasAll(marker.id);
      // The marker fired in a pass that saw 9 999 ms; every later pass sees the same time.
      expect(received.ids()).toEqual([marker.id]);
      expect((await deadlines.pending()).map((d) => d.id)).toEqual(['lc-1:reminder']);
      const pending = await deadlines.get('lc-1:reminder');
      expect(pending?.at).toEqual(at(10_000));
      expect(pending?.envelope).toEqual(reminder);

      clock.advance(1);
      await received.hasAll(reminder.id);
      expect(received.received.find((e) => e.id === reminder.id)?.data).toEqual({ n: 1 });
      expect(await deadlines.pending()).toEqual([]);

      // Already due when scheduled: the NOTIFY of the schedule wakes the loop, with no change of the clock.
      const late = deadlineEnvelope('late');
      await deadlines.schedule({ id: 'late', at: at(0), envelope: late });
      await received.hasAll(late.id);
      await published.until(() => published.times(late.id) > 0);
      expect([reminder.id, marker.id, late.id].map(published.times)).toEqual([1, 1, 1]);
      expect((await firedCount()) - firedBefore).toBe(3);
      expect(await metricValue('scheduling_deadlines_pending', { schema: 'scheduling' })).toBe(0);
    } finally {
      await env.close();
    }
  });

  it('schedules and cancels in the caller transaction, replaces by id, and answers false for what is not pending', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const broker = await env.openBroker();
      const deadlines = env.deadlines(env.db, broker, { clock });
      const received = await env.record(broker);
      await deadlines.start();
      const rollback = new Error('rolled back');

      const never = deadlineEnvelope('never');
      await expect(
        env.db.transaction(async () => {
          await deadlines.schedule({ id: 'never', at: at(1_000), envelope: never });
          expect(await deadlines.get('never')).toBeDefined(); // visible inside its own transaction
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect(await deadlines.get('never')).toBeUndefined();

      const kept = deadlineEnvelope('kept');
      await deadlines.schedule({ id: 'kept', at: at(1_000), envelope: kept });
      await expect(
        env.db.transaction(async () => {
          expect(await deadlines.cancel('kept')).toBe(true);
          throw rollback;
        }),
      ).rejects.toBe(rollback);
      expect((await deadlines.get('kept'))?.envelope).toEqual(kept);

      const canceled = deadlineEnvelope('canceled');
      await deadlines.schedule({ id: 'canceled', at: at(1_000), envelope: canceled });
      expect(await deadlines.cancel('canceled')).toBe(true);
      expect(await deadlines.cancel('canceled')).toBe(false);
      expect(await deadlines.cancel('unknown')).toBe(false);

      const first = deadlineEnvelope('replaced', { version: 1 });
      const second = deadlineEnvelope('replaced', { version: 2 });
      await deadlines.schedule({ id: 'replaced', at: at(1_000), envelope: first });
      await deadlines.schedule({ id: 'replaced', at: at(3_000), envelope: second });
      expect(await deadlines.pending()).toEqual([
        { id: 'kept', at: at(1_000), envelope: kept },
        { id: 'replaced', at: at(3_000), envelope: second },
      ]);

      clock.advance(2_000);
      await received.hasAll(kept.id);
      expect(await deadlines.cancel('kept')).toBe(false); // fired
      clock.advance(1_000);
      await received.hasAll(second.id);
      expect(received.ids().sort()).toEqual([kept.id, second.id].sort());
      expect(await deadlines.pending()).toEqual([]);

      await expect(
        deadlines.schedule({ id: 'bad', at: at(0), envelope: { ...never, type: 'not a type' } }),
      ).rejects.toThrow();
      await expect(
        deadlines.schedule({ id: 'bad', at: new Date(Number.NaN), envelope: never }),
      ).rejects.toThrow(/invalid time/);
      expect(await deadlines.get('bad')).toBeUndefined();
    } finally {
      await env.close();
    }
  });

  it('survives a restart: a new scheduler on the same database fires what the old one left, once', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const published = publications();
      const before = await env.openBroker();
      const old = env.deadlines(env.db, published.spy(before, env.db), { clock });
      await old.start();
      const due = deadlineEnvelope('after-restart');
      await old.schedule({ id: 'after-restart', at: at(60_000), envelope: due });
      // The process dies: its scheduler and broker are gone, only the database remains.
      await old.stop();
      await before.close();

      const after = await env.openBroker();
      const fresh = env.deadlines(env.db, published.spy(after, env.db), { clock });
      const received = await env.record(after);
      await fresh.start();
      clock.advance(60_000);
      await received.hasAll(due.id);

      const marker = deadlineEnvelope('marker');
      await fresh.schedule({ id: 'marker', at: at(0), envelope: marker });
      await received.hasAll(marker.id);
      await published.until(() => published.times(marker.id) > 0);
      expect(published.times(due.id)).toBe(1);
      expect(received.ids().filter((id) => id === due.id)).toHaveLength(1);
      expect(await fresh.pending()).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('keeps a deadline whose publication fails, reports it and fires it on a later try', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const broker = await env.openBroker();
      const published = publications();
      const spied = published.spy(broker, env.db);
      let failuresLeft = 2;
      const errors: Array<{ message: string; context: object }> = [];
      const deadlines = env.deadlines(
        env.db,
        {
          async publish(envelopes) {
            // After the deadline was taken in the firing transaction: it must roll back with it.
            if (failuresLeft-- > 0) throw new Error('broker unavailable');
            await spied.publish(envelopes);
          },
        },
        {
          clock,
          retryBackoff: () => 20,
          onError: (error, context) => errors.push({ message: (error as Error).message, context }),
        },
      );
      const received = await env.record(broker);
      await deadlines.start();
      const due = deadlineEnvelope('flaky');
      await deadlines.schedule({ id: 'flaky', at: at(1_000), envelope: due });
      clock.advance(1_000);
      await received.hasAll(due.id);
      await published.until(() => published.times(due.id) > 0);
      expect(errors).toEqual([
        { message: 'broker unavailable', context: { deadlineId: 'flaky', attempt: 1 } },
        { message: 'broker unavailable', context: { deadlineId: 'flaky', attempt: 2 } },
      ]);
      expect(published.times(due.id)).toBe(1);
      expect(await deadlines.pending()).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('reports a failing database, keeps trying, and fires once it is back', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const broker = await env.openBroker();
      const failures: unknown[] = [];
      let failed!: () => void;
      const firstFailure = new Promise<void>((resolve) => {
        failed = resolve;
      });
      const deadlines = env.deadlines(env.db, broker, {
        clock,
        onError: (error) => {
          failures.push(error);
          failed();
        },
      });
      const received = await env.record(broker);
      await deadlines.start();
      const due = deadlineEnvelope('outage');
      await deadlines.schedule({ id: 'outage', at: at(1_000), envelope: due });
      // The table is gone for a while, as the database would be: every pass fails before taking anything.
      await env.db.query('ALTER TABLE scheduling.deadlines RENAME TO deadlines_away');
      clock.advance(1_000);
      await firstFailure;
      await env.db.query('ALTER TABLE scheduling.deadlines_away RENAME TO deadlines');
      await received.hasAll(due.id);
      expect(String(failures[0])).toMatch(/deadlines/);
    } finally {
      await env.close();
    }
  });

  it('with the system clock, wakes at the next due time by itself', async () => {
    const env = await openScheduling(setup);
    try {
      const broker = await env.openBroker();
      const deadlines = env.deadlines(env.db, broker);
      const received = await env.record(broker);
      await deadlines.start();
      const soon = deadlineEnvelope('soon');
      const scheduledAt = Date.now();
      await deadlines.schedule({ id: 'soon', at: new Date(scheduledAt + 300), envelope: soon });
      await received.hasAll(soon.id);
      expect(Date.now() - scheduledAt).toBeGreaterThanOrEqual(300);
    } finally {
      await env.close();
    }
  });

  it('isolates a deadline that can never be published: the others of its batch fire, it stays pending', async () => {
    const env = await openScheduling(setup);
    try {
      const clock = manualClock(T0);
      const broker = await env.openBroker();
      const errors: Array<{ context: { deadlineId?: string; attempt?: number } }> = [];
      const deadlines = env.deadlines(env.db, broker, {
        clock,
        retryBackoff: () => NEVER_AGAIN,
        onError: (_error, context) => errors.push({ context }),
      });
      const received = await env.record(broker);
      const good = [deadlineEnvelope('good-1'), deadlineEnvelope('good-2')];
      await deadlines.schedule({ id: 'good-1', at: at(500), envelope: good[0]! });
      await deadlines.schedule({ id: 'good-2', at: at(1_500), envelope: good[1]! });
      // As a writer that bypassed validation (or an older version of the contract) could have stored it.
      await env.db.query(
        `INSERT INTO scheduling.deadlines (id, due_at, envelope) VALUES ($1, $2, $3::json)`,
        [
          'poison',
          at(1_000).toISOString(),
          JSON.stringify({ ...deadlineEnvelope('poison'), type: 'not a type' }),
        ],
      );
      await deadlines.start();
      clock.advance(2_000);
      await received.hasAll(...good.map((e) => e.id));
      expect(errors.filter((e) => e.context.deadlineId === 'poison')).toEqual([
        { context: { deadlineId: 'poison', attempt: 1 } },
      ]);
      expect((await deadlines.pending()).map((d) => d.id)).toEqual(['poison']);

      // The loop is alive: a new deadline still fires, and the poison one can be canceled.
      const later = deadlineEnvelope('later');
      await deadlines.schedule({ id: 'later', at: at(2_000), envelope: later });
      await received.hasAll(later.id);
      expect(await deadlines.cancel('poison')).toBe(true);
    } finally {
      await env.close();
    }
  });
});

const NEVER_AGAIN = 3_600_000;

describe.each(testSetups.filter((setup) => setup.backend.backend === 'postgres'))(
  'deadlines in two processes on PostgreSQL with the $broker broker',
  (setup) => {
    it('two schedulers racing over many due deadlines publish each exactly once', async () => {
      const env = await openScheduling(setup);
      const elsewhere = postgresClient({ connectionString: env.url!, applicationName: 'second process' });
      try {
        // One clock for both, so that both wake at the same moment and compete for the same rows.
        const clock = manualClock(T0);
        const published = publications();
        const here = await env.openBroker();
        const there = await env.openBroker(elsewhere);
        const options = { clock, batchSize: 7 };
        const first = env.deadlines(env.db, published.spy(here, env.db), options);
        const second = env.deadlines(elsewhere, published.spy(there, elsewhere), options);
        const received = await env.record(here);
        const envelopes = Array.from({ length: 150 }, (_, i) => deadlineEnvelope(`race-${i}`));
        await env.db.transaction(async () => {
          for (const [i, envelope] of envelopes.entries()) {
            await first.schedule({ id: `race-${i}`, at: at(1_000 + (i % 3)), envelope });
          }
        });
        await Promise.all([first.start(), second.start()]);
        clock.advance(1_000 + 2);
        await received.hasAll(...envelopes.map((e) => e.id));
        await published.until(() => envelopes.every((e) => published.times(e.id) > 0));
        expect(envelopes.map((e) => published.times(e.id))).toEqual(envelopes.map(() => 1));
        expect(published.committed).toHaveLength(envelopes.length);
        expect(await first.pending()).toEqual([]);
      } finally {
        await env.close();
        await elsewhere.close();
      }
    });
  },
);
