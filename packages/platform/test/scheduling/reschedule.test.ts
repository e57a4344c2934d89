import { manualClock } from '@tessera/platform/scheduling';
import { testSetups } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { deadlineEnvelope, openScheduling } from './support.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe.each(testSetups)(
  'a reschedule sent with the COMMIT, on $backend.backend with the $broker broker',
  (setup) => {
    it('cancels then schedules once committed, the last of an id winning, and fires what it scheduled', async () => {
      const env = await openScheduling(setup);
      try {
        const clock = manualClock(T0);
        const broker = await env.openBroker();
        const deadlines = env.deadlines(env.db, broker, { clock });
        const received = await env.record(broker);
        await deadlines.start();
        const step1 = deadlineEnvelope('step-1');
        await deadlines.schedule({ id: 'saga:1:step-1', at: at(1_000), envelope: step1 });

        const first = deadlineEnvelope('step-2', { version: 1 });
        const second = deadlineEnvelope('step-2', { version: 2 });
        const other = deadlineEnvelope('other');
        await env.db.transaction(async () => {
          await deadlines.reschedule({
            cancel: ['saga:1:step-1'],
            schedule: [
              { id: 'saga:1:step-2', at: at(2_000), envelope: first },
              { id: 'saga:2:step-1', at: at(500), envelope: other },
              { id: 'saga:1:step-2', at: at(3_000), envelope: second },
            ],
          });
          // Not sent yet: the transaction sees what was there.
          expect((await deadlines.pending()).map((d) => d.id)).toEqual(['saga:1:step-1']);
        });
        expect(await deadlines.pending()).toEqual([
          { id: 'saga:2:step-1', at: at(500), envelope: other },
          { id: 'saga:1:step-2', at: at(3_000), envelope: second },
        ]);

        clock.advance(3_000);
        await received.hasAll(other.id, second.id);
        expect(received.ids().sort()).toEqual([other.id, second.id].sort());
        expect(await deadlines.pending()).toEqual([]);
      } finally {
        await env.close();
      }
    });

    it('changes nothing when its transaction rolls back, and refuses a bad deadline before anything is sent', async () => {
      const env = await openScheduling(setup);
      try {
        const broker = await env.openBroker();
        const deadlines = env.deadlines(env.db, broker, { clock: manualClock(T0) });
        const kept = deadlineEnvelope('kept');
        await deadlines.schedule({ id: 'kept', at: at(1_000), envelope: kept });
        const rollback = new Error('rolled back');
        await expect(
          env.db.transaction(async () => {
            await deadlines.reschedule({
              cancel: ['kept'],
              schedule: [{ id: 'new', at: at(1_000), envelope: deadlineEnvelope('new') }],
            });
            throw rollback;
          }),
        ).rejects.toBe(rollback);
        expect((await deadlines.pending()).map((d) => d.id)).toEqual(['kept']);

        await expect(
          env.db.transaction(() =>
            deadlines.reschedule({
              cancel: ['kept'],
              schedule: [{ id: 'bad', at: new Date(Number.NaN), envelope: kept }],
            }),
          ),
        ).rejects.toThrow(/invalid time/);
        expect((await deadlines.pending()).map((d) => d.id)).toEqual(['kept']);
      } finally {
        await env.close();
      }
    });

    it('runs at once outside a transaction, and wakes the loop for what is already due', async () => {
      const env = await openScheduling(setup);
      try {
        const broker = await env.openBroker();
        const deadlines = env.deadlines(env.db, broker, { clock: manualClock(T0) });
        const received = await env.record(broker);
        await deadlines.start();
        const due = deadlineEnvelope('due');
        await deadlines.reschedule({ cancel: [], schedule: [{ id: 'due', at: at(0), envelope: due }] });
        await received.hasAll(due.id);
        expect(await deadlines.pending()).toEqual([]);
      } finally {
        await env.close();
      }
    });
  },
);
