/**
 * EO-P21: randomised schedules (fast-check). Random logical inputs (payments, orders with a gift, a
 * shooting range whose outcome depends on order), each delivered 1–3 times (copies on the same lane or
 * another one, so that they may run concurrently), all publishes shuffled across keys, handler concurrency
 * 1–4, and up to two crashes at random points and occurrences, each followed by a restart. Oracle (spec
 * C.7): every logical input committed exactly once; the final state equals a serial exactly-once replay of
 * the inputs in the observed commit order; the logical outgoing messages (id, causationId, type, data)
 * equal the replay's; every copy on the transport of one id is identical; no envelope id outside the
 * inputs and the replay's outputs (no ghosts). fast-check prints the seed and the counterexample on failure.
 */
import type { Envelope } from '@tessera/platform/messaging';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerConfig,
  CRASH_POINTS,
  crashAt,
  crashPlans,
  EMBEDDED_POSTGRES,
  NATS_POSTGRES,
  openSite,
  type Site,
} from './harness.js';
import {
  byId,
  commitLog,
  confirmPayment,
  fireAt,
  logicalTransport,
  moveTarget,
  placeOrder,
  readState,
  received,
  replay,
  setUpBusiness,
} from './scenarios.js';

type Logical =
  | { kind: 'pay'; order: string }
  | { kind: 'place'; customer: string }
  | { kind: 'fire'; position: number }
  | { kind: 'move'; position: number };

const logicalArb: fc.Arbitrary<Logical> = fc.oneof(
  fc.record({ kind: fc.constant('pay' as const), order: fc.constantFrom('O1', 'O2') }),
  fc.record({ kind: fc.constant('place' as const), customer: fc.constantFrom('C1', 'C2') }),
  fc.record({ kind: fc.constant('fire' as const), position: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant('move' as const), position: fc.integer({ min: 1, max: 2 }) }),
);

const deliveryArb = fc.record({ rank: fc.nat(1_000), otherLane: fc.boolean() });

const scheduleArb = (points: readonly string[]) =>
  fc.record({
    inputs: fc.array(
      fc.record({
        logical: logicalArb,
        original: fc.nat(1_000),
        // 0–2 more copies: 1–3 deliveries of the same envelope.
        copies: fc.array(deliveryArb, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    concurrency: fc.integer({ min: 1, max: 4 }),
    crashes: fc.array(
      fc.record({ point: fc.constantFrom(...points), occurrence: fc.integer({ min: 1, max: 4 }) }),
      {
        maxLength: 2,
      },
    ),
  });

const configs: BrokerConfig[] = [EMBEDDED_POSTGRES, NATS_POSTGRES];
const RUNS = 15;

describe.each(configs)('EO-P21 random schedules: $name', (config) => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite(config);
  });
  afterAll(() => site?.close());

  it('EO-P21: every schedule of duplicates, reorderings, concurrency and crashes is an exactly-once execution', async () => {
    const points = CRASH_POINTS[config.broker];
    await fc.assert(
      fc.asyncProperty(scheduleArb(points), async (schedule) => {
        const w = await site.world();
        try {
          await setUpBusiness(w, { concurrency: schedule.concurrency });
          await w.db.query(`INSERT INTO ${w.table('ranges')} (id, target) VALUES ('R1', 1)`);
          w.autoRestart = true;
          w.plan = crashPlans(
            ...schedule.crashes.map((c) => crashAt(c.point as (typeof points)[number], c.occurrence)),
          );
          const inputs: Envelope[] = schedule.inputs.map(({ logical }, i) => {
            const id = `I${i}`;
            switch (logical.kind) {
              case 'pay':
                return confirmPayment(w, logical.order, { id });
              case 'place':
                return placeOrder(w, logical.customer, { id });
              case 'fire':
                return { ...fireAt(w, 'R1', `A${i}`, logical.position), id };
              default:
                return { ...moveTarget(w, 'R1', logical.position), id };
            }
          });
          const sends = schedule.inputs.flatMap(({ original, copies }, i) => [
            { rank: original, send: () => w.publish([inputs[i]!]) },
            ...copies.map((copy, n) => ({
              rank: copy.rank,
              send: () => w.duplicate(inputs[i]!, copy.otherLane ? { key: `lane${n}` } : {}),
            })),
          ]);
          sends.sort((a, b) => a.rank - b.rank);
          for (const { send } of sends) await send();
          await w.quiesce(30_000);

          const log = await commitLog(w);
          // Each logical input committed exactly once.
          expect(log.map((c) => c.messageId).sort()).toEqual(inputs.map((m) => m.id).sort());
          const byIdOf = new Map(inputs.map((m) => [m.id, m]));
          const oracle = replay(
            log.map((c) => byIdOf.get(c.messageId)!),
            { ranges: { R1: 1 } },
          );
          expect(await readState(w)).toEqual(oracle.state);
          expect(byId(await received(w))).toEqual(byId(oracle.outgoing));
          const transport = await logicalTransport(w); // identical copies per id
          const known = new Set([...inputs.map((m) => m.id), ...oracle.outgoing.map((o) => o.id)]);
          expect([...transport.keys()].filter((id) => !known.has(id))).toEqual([]);
        } finally {
          await w.close();
        }
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
