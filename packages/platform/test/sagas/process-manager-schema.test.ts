import { type Envelope, newEnvelope, onCommands } from '@tessera/platform/messaging';
import {
  type SagaCoordinator,
  type SagaObservation,
  sagaInspection,
  sagaMigrations,
  startSagaCoordinator,
} from '@tessera/platform/sagas';
import { migrate } from '@tessera/platform/sql';
import { signals, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { autoApproval, LC_COMMANDS, LC_EVENTS } from './auto-approval.js';
import { openSagaTestbed, type SagaTestbed, unique } from './support.js';

/** A context of its own keeps its instances in its own schema (a private datastore, LC spec §7.1 stage 5). */
const SCHEMA = 'lc_own_sagas';

describe.each(testSetups)(
  'a process manager in a schema of its own, observed, with the $broker broker, on $backend.backend',
  ({ backend, broker: kind }) => {
    let bed: SagaTestbed;
    let coordinator: SagaCoordinator;
    const observed = signals<SagaObservation>();

    beforeAll(async () => {
      bed = await openSagaTestbed(backend, kind);
      const { db, broker } = bed;
      await migrate(db, [sagaMigrations(SCHEMA)]);
      await broker.subscribe({
        group: 'lc',
        subjects: [LC_COMMANDS],
        handle: onCommands(
          { 'lcapi.ApproveLCApplication': z.object({ lcApplicationId: z.string() }) },
          { 'lcapi.ApproveLCApplication': async () => undefined },
          { publisher: broker, source: 'lc', db },
        ),
      });
      coordinator = await startSagaCoordinator(
        {
          db,
          broker,
          deadlines: bed.deadlines,
          clock: bed.clock,
          schema: SCHEMA,
          observer: observed.push,
        },
        [autoApproval],
      );
    });
    afterAll(async () => {
      await coordinator?.stop();
      await bed?.close();
    });

    const publish = (lc: string, type: string, data: Record<string, unknown> = {}, key = lc) =>
      bed.broker.publish([
        newEnvelope('lc', { type, subject: LC_EVENTS, key, data: { lcApplicationId: lc, ...data } }),
      ]);
    const eventsOf = (lc: string) =>
      observed.items.filter((o) => o.id === lc).flatMap((o) => o.history.map((entry): string => entry.event));
    const until = (lc: string, event: string) => observed.until(() => eventsOf(lc).includes(event));

    it('keeps its instances, history and sent commands in its schema, none in the default one', async () => {
      const lc = `lc-${unique()}`;
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 100_000, currency: 'USD' });
      await until(lc, 'started');
      for (const check of ['ProductValueValidated', 'ProductLegalityValidated', 'ApplicantCreditValidated']) {
        await publish(lc, `lcapi.${check}`, { decision: 'APPROVED' });
      }
      // The reply finds its instance through the commands table of this schema.
      await until(lc, 'replied');
      const own = await sagaInspection(bed.db, SCHEMA).get(autoApproval.name, lc);
      expect(own?.history.map((h) => h.event)).toEqual([
        'started',
        'handled',
        'handled',
        'handled',
        'sent',
        'replied',
      ]);
      expect(await sagaInspection(bed.db).get(autoApproval.name, lc)).toBeUndefined();
      const count = async (table: string) =>
        (await bed.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [lc]))
          .rows[0]!.n;
      expect(await count('sagas.instances')).toBe(0);
      expect(await count('sagas.history')).toBe(0);
      expect(await count('sagas.commands')).toBe(0);
      expect(await count(`${SCHEMA}.commands`)).toBe(1);
    });

    it('tells its observer of each committed move, with what the move recorded', async () => {
      const lc = `lc-${unique()}`;
      await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 2_000_000, currency: 'USD' });
      await until(lc, 'ended');
      const moves = observed.items.filter((o) => o.id === lc);
      expect(moves).toEqual([
        {
          saga: autoApproval.name,
          id: lc,
          status: 'completed',
          history: [expect.objectContaining({ event: 'started' }), { event: 'ended', step: 0 }],
        },
      ]);
      // Told after the commit: what it was told is there to read.
      expect((await sagaInspection(bed.db, SCHEMA).get(autoApproval.name, lc))?.status).toBe('completed');
    });

    it('starts one instance when two start messages of one application race on different keys', async () => {
      const lc = `lc-${unique()}`;
      const submitted = (key: string): Envelope =>
        newEnvelope('lc', {
          type: 'lcapi.LCApplicationSubmitted',
          subject: LC_EVENTS,
          key,
          data: { lcApplicationId: lc, amountCents: 100_000, currency: 'USD' },
        });
      // Different keys may be handled at once: one insert wins, the other's handling retries and is ignored.
      await bed.broker.publish([submitted(`${lc}-a`), submitted(`${lc}-b`)]);
      await until(lc, 'ignored');
      const history = (await sagaInspection(bed.db, SCHEMA).get(autoApproval.name, lc))!.history;
      expect(history.map((h) => h.event)).toEqual(['started', 'ignored']);
      expect(history[1]).toMatchObject({ detail: { reason: 'already started' } });
    });
  },
);
