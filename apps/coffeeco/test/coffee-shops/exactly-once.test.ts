import type { Envelope, Subscribed } from '@tessera/platform/messaging';
import { type Host, startHost } from '@tessera/platform/runtime';
import { manualClock } from '@tessera/platform/scheduling';
import {
  authorizationFor,
  type OpenedTestDatabase,
  signals,
  TEST_OPERATOR,
  testConfig,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCardFault, FakeCardProvider } from '../../src/coffee-shops/adapters/cards/fake-provider.js';
import type { PurchaseCrashPoint } from '../../src/coffee-shops/application/ports.js';
import { PURCHASE_CHANNEL } from '../../src/coffee-shops/contract/integration-events.js';
import type { PurchaseState } from '../../src/coffee-shops/domain/purchase.js';
import { createCoffeeShopsModule } from '../../src/coffee-shops/module.js';
import { BARISTA, HOST_START_MS, STORE_MANAGER } from './support.js';

const RECOVERY_MS = 30_000;

/** What a crash point throws: the handling dies there, as a process would (nothing after it runs). */
class Crash extends Error {}

type Fault = { crash: PurchaseCrashPoint } | { provider: FakeCardFault };

/**
 * Card payments exactly once (CC-D5, spec Part C): for every place a purchase's handling can die, and a provider
 * that times out after charging or fails before, the handling is crashed, the process restarted (a new host on
 * the same database; the card provider, not ours, keeps its charges), and recovery is let run: the durable
 * deadline comes due and resumes the purchase, or the till sends the same request again. Then, never a charge
 * without its completed purchase: either no charge and no completed purchase, or exactly one charge, one
 * completed purchase holding it, and exactly one PurchaseCompleted. Every PUT carries an Idempotency-Key, which
 * must not make the purchase one transaction (a crash would then roll back the pending purchase and keep the
 * charge).
 */
describe.each(testDatabases)(
  'Card payments exactly once, through crashes and restarts, on $backend',
  (backend) => {
    let opened: OpenedTestDatabase;
    const provider = new FakeCardProvider();
    const clock = manualClock(new Date('2026-03-01T08:00:00Z'));
    /** Purchases settled, and PurchaseCompleted received by one group, over every host on this database. */
    const settled = signals<PurchaseState>();
    const completed = signals<Envelope>();
    /** Recoveries handled (committed), over every host. */
    const recoveries = signals<Envelope>();
    /** Where the current handling dies, for which purchase: armed by a test, disarmed by the restart. */
    let armed: { point: PurchaseCrashPoint; purchaseId: string } | undefined;
    let current: { host: Host; recorder: Subscribed } | undefined;
    let storeId: string;

    const start = async () => {
      armed = undefined;
      const host = await startHost({
        name: 'Exactly once',
        version: 'test',
        modules: [
          createCoffeeShopsModule({
            cardProvider: provider,
            clock,
            recoveryAfterMs: RECOVERY_MS,
            onPurchaseSettled: settled.push,
            onRecoveryHandled: recoveries.push,
            faults: (point, purchaseId) => {
              if (armed?.point === point && armed.purchaseId === purchaseId)
                throw new Crash(`crashed at ${point}`);
            },
          }),
        ],
        db: opened.db,
        bootstrapOperator: false,
        config: testConfig(),
      });
      // The same group on every host: it goes on where the stopped host's left off.
      const recorder = await host.broker.subscribe({
        group: 'exactly-once-purchases',
        subjects: [PURCHASE_CHANNEL],
        handle: async (message) => completed.push(message),
      });
      current = { host, recorder };
    };
    const restart = async () => {
      await current?.recorder.stop();
      await current?.host.stop();
      current = undefined;
      await start();
    };
    const call = async (who: typeof BARISTA, method: 'GET' | 'PUT' | 'POST', url: string, body?: object) => {
      const host = current!.host;
      return host.http.inject({
        method,
        url,
        headers: { ...(await authorizationFor(host, who)), 'idempotency-key': `key-${unknownId()}` },
        ...(body && { payload: body }),
      });
    };
    const buy = (purchaseId: string) =>
      call(BARISTA, 'PUT', `/api/coffee-shops/purchases/${purchaseId}`, {
        storeId,
        items: ['Beans'],
        means: 'card',
        cardToken: 'tok_visa',
      });
    const purchase = async (id: string) =>
      (
        await opened.db.query<{ status: string; charge_id: string | null }>(
          'SELECT status, charge_id FROM coffeeco_coffee_shops.purchases WHERE id = $1',
          [id],
        )
      ).rows[0];
    const recoveryScheduled = async (id: string) =>
      (
        await opened.db.query('SELECT 1 FROM coffeeco_coffee_shops.deadlines WHERE id = $1', [
          `coffee-shops:purchase-recovery:${id}`,
        ])
      ).rows.length > 0;
    const chargesFor = (id: string) => provider.charges.filter((charge) => charge.idempotencyKey === id);
    const settledNow = (id: string) => settled.until((items) => items.some((item) => item.id === id));

    /** Exactly one charge, the completed purchase holding it, exactly one PurchaseCompleted, nothing left to do. */
    const expectPaidOnce = async (id: string) => {
      await completed.until((messages) => messages.some((message) => message.key === id));
      const charges = chargesFor(id);
      expect(charges.map((charge) => charge.amount)).toEqual([2970]);
      expect(await purchase(id)).toEqual({ status: 'completed', charge_id: charges[0]!.id });
      expect(completed.items.filter((message) => message.key === id)).toHaveLength(1);
      expect(settled.items.filter((item) => item.id === id)).toHaveLength(1);
      expect(await recoveryScheduled(id)).toBe(false);
      // And the till, asking again, is told the same, and nothing more is charged.
      const again = await buy(id);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ purchase: { status: 'completed', chargeId: charges[0]!.id } });
      expect(chargesFor(id)).toHaveLength(1);
    };

    beforeAll(async () => {
      opened = await backend.open();
      await start();
      const opening = await call(STORE_MANAGER, 'POST', '/api/coffee-shops/stores', { location: 'Seattle' });
      storeId = opening.json<{ id: string }>().id;
      await call(STORE_MANAGER, 'PUT', `/api/coffee-shops/stores/${storeId}/products`, {
        products: [{ itemName: 'Beans', basePrice: { amount: 33, currency: 'USD' } }],
      });
      await call(STORE_MANAGER, 'PUT', `/api/coffee-shops/stores/${storeId}/discount`, { percent: 10 });
    }, HOST_START_MS);
    afterAll(async () => {
      await current?.recorder.stop();
      await current?.host.stop();
      await opened?.close();
    });

    it.each<[string, Fault, { charges: number; status: string }]>([
      [
        'dies after the pending purchase is saved, before any charge',
        { crash: 'afterPendingSaved' },
        { charges: 0, status: 'pending' },
      ],
      [
        'dies after the charge, before the completion',
        { crash: 'afterChargeBeforeCompletion' },
        { charges: 1, status: 'pending' },
      ],
      [
        'dies after the completion, before the answer',
        { crash: 'afterCompletionBeforeAnswer' },
        { charges: 1, status: 'completed' },
      ],
      [
        'meets a provider that charges, then times out',
        { provider: 'timeOutAfterCharging' },
        { charges: 1, status: 'pending' },
      ],
      [
        'meets a provider that cannot be reached',
        { provider: 'failBeforeCharging' },
        { charges: 0, status: 'pending' },
      ],
    ])(
      'a handling that %s: after the restart the recovery completes it, charged once',
      async (_case, fault, crashed) => {
        const id = unknownId();
        if ('crash' in fault) armed = { point: fault.crash, purchaseId: id };
        else provider.failNext(fault.provider);

        const answer = await buy(id);
        expect(answer.statusCode, answer.body).toBeGreaterThanOrEqual(500);
        expect(chargesFor(id)).toHaveLength(crashed.charges);
        expect((await purchase(id))?.status).toBe(crashed.status);

        await restart();
        // The recovery is due RECOVERY_MS after the purchase was recorded (none is left for a completed one).
        clock.advance(RECOVERY_MS);
        if (crashed.status === 'pending') await settledNow(id);
        await expectPaidOnce(id);
      },
    );

    it('a handling that dies after the charge is also finished by the same request again, before its recovery', async () => {
      const id = unknownId();
      armed = { point: 'afterChargeBeforeCompletion', purchaseId: id };
      expect((await buy(id)).statusCode).toBeGreaterThanOrEqual(500);
      await restart();
      const again = await buy(id);
      expect(again.statusCode, again.body).toBe(200);
      await expectPaidOnce(id);
      // Its recovery was removed with the completion: when it would have come due, nothing happens.
      clock.advance(RECOVERY_MS);
      expect(chargesFor(id)).toHaveLength(1);
    });

    it('a handling that dies before any charge, whose card is then declined at recovery: no charge, no completed purchase', async () => {
      const id = unknownId();
      armed = { point: 'afterPendingSaved', purchaseId: id };
      expect((await buy(id)).statusCode).toBeGreaterThanOrEqual(500);
      await restart();
      provider.failNext('decline');
      clock.advance(RECOVERY_MS);
      await settledNow(id);
      expect(chargesFor(id)).toEqual([]);
      expect(await purchase(id)).toEqual({ status: 'failed', charge_id: null });
      expect(await recoveryScheduled(id)).toBe(false);
      const again = await buy(id);
      expect(again.statusCode, again.body).toBe(402);
    });

    it('a provider still not answering at recovery: pending, resumed again later, then charged once', async () => {
      const id = unknownId();
      provider.failNext('timeOutAfterCharging', 2);
      expect((await buy(id)).statusCode).toBe(503);
      await restart();
      clock.advance(RECOVERY_MS);
      // The first recovery times out too: the purchase stays pending, its next recovery twice as far off.
      await recoveries.until((handled) => handled.some((message) => message.key === id));
      expect((await purchase(id))?.status).toBe('pending');
      const next = await opened.db.query<{ attempt: string; due_ms: number }>(
        `SELECT envelope->'data'->>'attempt' AS attempt, (extract(epoch FROM due_at) * 1000)::float8 AS due_ms
         FROM coffeeco_coffee_shops.deadlines WHERE id = $1`,
        [`coffee-shops:purchase-recovery:${id}`],
      );
      expect(next.rows).toEqual([{ attempt: '2', due_ms: clock.now().getTime() + 2 * RECOVERY_MS }]);
      clock.advance(2 * RECOVERY_MS);
      await settledNow(id);
      await expectPaidOnce(id);
    });

    // The operator reads the fake provider's dashboard, as the executable specifications do.
    it('shows the charges of a purchase on the fake provider’s dashboard', async () => {
      const id = unknownId();
      expect((await buy(id)).statusCode).toBe(200);
      const dashboard = await call(
        TEST_OPERATOR as typeof BARISTA,
        'GET',
        `/api/coffee-shops/card-provider/charges?purchaseId=${id}`,
      );
      expect(dashboard.json()).toMatchObject({
        charges: [{ amount: { amount: 29.7, currency: 'USD' }, idempotencyKey: id }],
      });
    });
  },
);
