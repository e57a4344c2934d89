import { derivedId, type Envelope, onMessages, publishMessages } from '@tessera/platform/messaging';
import { recordMessages, signals, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Background, type Ctx } from '../../src/building-blocks/context.js';
import {
  COMPENSATIONS_CHANNEL,
  outboxCompensationEvents,
} from '../../src/building-blocks/sagas/adapters/outbox-compensation-events.js';
import { NewSagaManager, type Saga } from '../../src/building-blocks/sagas/saga.js';
import {
  type CoffeeShopsMessage,
  coffeeShopsMessages,
  PURCHASE_CHANNEL,
} from '../../src/coffee-shops/contract/integration-events.js';
import { openMessagingTestbed } from './support.js';

/** The contract's one type, as the contract names it. */
const PURCHASE_COMPLETED = Object.keys(coffeeShopsMessages)[0] as keyof typeof coffeeShopsMessages;

type PurchaseCompleted = CoffeeShopsMessage['data'];

const purchase = (purchaseId: PurchaseCompleted['purchaseId'] = crypto.randomUUID()): PurchaseCompleted => ({
  purchaseId,
  storeId: crypto.randomUUID(),
  coffeeLoverId: crypto.randomUUID(),
  means: 'card',
  products: [{ itemName: 'latte', basePrice: { amount: 350, currency: 'USD' } }],
  total: { amount: 315, currency: 'USD' },
  completedAt: new Date().toISOString(),
});

/** A saga step that fails where it is told to. */
const step = (fails: { execute?: boolean; rollback?: boolean } = {}): Saga => ({
  async Execute(_ctx: Ctx) {
    if (fails.execute) throw new Error('the step failed');
  },
  async Rollback(_ctx: Ctx) {
    if (fails.rollback) throw new Error('the compensation failed');
  },
});

/**
 * One testbed per setup for the events that go through the outbox: EDA-T1, EDA-T2 on a CoffeeCo channel, and
 * SAGA-7's compensation.failed.
 *
 * EDA-T1, EDA-T2 on a CoffeeCo channel: the coffee shops' PurchaseCompleted, in the platform's envelope, through
 * the outbox (the broker joins the purchase's transaction) and the broker, as the coffee shops publish it.
 */
describe.each(testSetups)(
  'events through the outbox on $backend.backend with the $broker broker (EDA-T1, EDA-T2, SAGA-7)',
  ({ backend, broker: kind }) => {
    let testbed: Awaited<ReturnType<typeof openMessagingTestbed>>;
    beforeAll(async () => {
      testbed = await openMessagingTestbed(backend, kind);
    });
    afterAll(() => testbed?.close());

    /**
     * The till's recording of a completed purchase: the message is written in the purchase's transaction, its id
     * derived from the purchase (one purchase, one PurchaseCompleted, whatever is retried).
     */
    const completePurchase = (data: CoffeeShopsMessage['data'], afterPublishing?: () => void) =>
      testbed.db.transaction(async () => {
        await publishMessages(testbed.broker, 'coffee-shops', [
          {
            id: derivedId(data.purchaseId, 0),
            type: PURCHASE_COMPLETED,
            subject: PURCHASE_CHANNEL,
            key: data.purchaseId,
            data,
          },
        ]);
        afterPublishing?.();
      });

    it('every published event has a unique id, a timestamp and its source, and its body matches the contract', async () => {
      const recorder = await recordMessages(testbed.broker, [PURCHASE_CHANNEL]);
      const before = Date.now();
      const purchases = [purchase(), purchase(), purchase()];
      for (const data of purchases) await completePurchase(data);
      const received = await Promise.all(
        purchases.map((data) =>
          recorder.waitFor((m) => (m.data as { purchaseId: string }).purchaseId === data.purchaseId),
        ),
      );
      await recorder.stop();
      expect(new Set(received.map((m) => m.id)).size).toBe(3);
      for (const message of received) {
        expect(message.source).toBe('coffee-shops');
        expect(message.type).toBe(PURCHASE_COMPLETED);
        expect(message.subject).toBe(PURCHASE_CHANNEL);
        expect(new Date(message.time).toISOString()).toBe(message.time);
        expect(new Date(message.time).getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(() => coffeeShopsMessages[PURCHASE_COMPLETED].parse(message.data)).not.toThrow();
      }
    });

    it('a publication retried after its transaction failed, or after it committed, is one message with one id', async () => {
      const recorder = await recordMessages(testbed.broker, [PURCHASE_CHANNEL]);
      const data = purchase();
      // The first attempt fails after writing its message: the transaction rolls back, and the message with it.
      await expect(
        completePurchase(data, () => {
          throw new Error('the till crashed');
        }),
      ).rejects.toThrow('the till crashed');
      await completePurchase(data);
      // A retry of an attempt that committed (its answer was lost): the same id, which the broker drops.
      await completePurchase(data);
      // Then another message on the same key, delivered after those (in order per key): once it is here, any copy
      // of the first would be too.
      const sentinel = purchase(data.purchaseId);
      await testbed.db.transaction(() =>
        publishMessages(testbed.broker, 'coffee-shops', [
          {
            id: derivedId(data.purchaseId, 1),
            type: PURCHASE_COMPLETED,
            subject: PURCHASE_CHANNEL,
            key: data.purchaseId,
            data: sentinel,
          },
        ]),
      );
      await recorder.waitFor((m) => m.id === derivedId(data.purchaseId, 1));
      await recorder.stop();
      const copies = recorder.messages.filter((m) => m.key === data.purchaseId);
      expect(copies.map((m) => m.id)).toEqual([derivedId(data.purchaseId, 0), derivedId(data.purchaseId, 1)]);
    });

    it('a subscriber handles the types it knows and ignores the others, without an error or a dead letter', async () => {
      const handled = signals<Envelope>();
      const group = `eda-${crypto.randomUUID().slice(0, 8)}`;
      const subscribed = await testbed.broker.subscribe({
        group,
        subjects: [PURCHASE_CHANNEL],
        maxAttempts: 1,
        handle: onMessages(coffeeShopsMessages, {
          [PURCHASE_COMPLETED]: async (_data: CoffeeShopsMessage['data'], envelope: Envelope) => {
            handled.push(envelope);
          },
        }),
      });
      const key = crypto.randomUUID();
      // A type the shops may add one day: this subscriber has no handler for it.
      await testbed.db.transaction(() =>
        publishMessages(testbed.broker, 'coffee-shops', [
          { type: 'coffeeshops.PurchaseRefunded', subject: PURCHASE_CHANNEL, key, data: { purchaseId: key } },
        ]),
      );
      await completePurchase(purchase(key));
      await handled.until((items) => items.length === 1);
      await subscribed.stop();
      expect(handled.items.map((m) => m.type)).toEqual([PURCHASE_COMPLETED]);
      expect(await testbed.broker.deadLetters.list(group)).toEqual([]);
      const lag = (await testbed.broker.lag()).find((g) => g.group === group);
      expect(lag?.pending ?? 0).toBe(0);
    });

    it('SAGA-7: compensation.failed goes through the outbox, once per saga and step however often it is reported', async () => {
      const recorder = await recordMessages(testbed.broker, [COMPENSATIONS_CHANNEL]);
      const sagaId = crypto.randomUUID();
      const publish = outboxCompensationEvents(testbed.db, testbed.broker);
      const handle = (steps: Saga[]) => NewSagaManager(sagaId, steps, publish).Handle(Background());
      // Step 0's compensation fails; the saga is retried and it fails again: the same report, the same id.
      await expect(handle([step({ rollback: true }), step({ execute: true })])).rejects.toThrow(
        'the step failed',
      );
      await expect(handle([step({ rollback: true }), step({ execute: true })])).rejects.toThrow(
        'the step failed',
      );
      // A later attempt gets further and step 1's compensation fails too: a new report, after the first on its key.
      await expect(
        handle([step({ rollback: true }), step({ rollback: true }), step({ execute: true })]),
      ).rejects.toThrow('the step failed');
      await recorder.waitFor((m) => (m.data as { step: number }).step === 1);
      await recorder.stop();
      expect(recorder.messages.map((m) => [m.type, m.data])).toEqual([
        ['compensation.failed', { sagaId, step: 0, error: 'the compensation failed' }],
        ['compensation.failed', { sagaId, step: 1, error: 'the compensation failed' }],
      ]);
      expect(new Set(recorder.messages.map((m) => m.id)).size).toBe(2);
    });
  },
);
