import { describe, expect, it } from 'vitest';
import { Background, type Ctx } from '../../src/building-blocks/context.js';
import type { DomainEvent } from '../../src/building-blocks/events/envelope.js';
import { InMemoryOrders, InMemoryPayments } from '../../src/building-blocks/sagas/in-memory.js';
import {
  type CompensationFailed,
  NewSagaManager,
  type Saga,
  SagaManager,
} from '../../src/building-blocks/sagas/saga.js';
import { OrderCreator, PaymentCreator } from '../../src/building-blocks/sagas/steps.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';

/** A step that records its calls and fails when told. */
function step(name: string, calls: string[], fails: { execute?: boolean; rollback?: boolean } = {}): Saga {
  return {
    async Execute(_ctx: Ctx) {
      calls.push(`${name}.Execute`);
      if (fails.execute) throw new Error(`${name} failed`);
    },
    async Rollback(_ctx: Ctx) {
      calls.push(`${name}.Rollback`);
      if (fails.rollback) throw new Error(`${name} could not be undone`);
    },
  };
}

const published = () => {
  const events: DomainEvent<CompensationFailed>[] = [];
  return { events, publish: async (event: DomainEvent<CompensationFailed>) => void events.push(event) };
};

describe('SAGA-T1: Handle runs every step in order', () => {
  it('executes A, B, C in turn and resolves, compensating nothing', async () => {
    const calls: string[] = [];
    const { events, publish } = published();
    const saga = NewSagaManager('s1', [step('A', calls), step('B', calls), step('C', calls)], publish);
    await expect(saga.Handle(Background())).resolves.toBeUndefined();
    expect(calls).toEqual(['A.Execute', 'B.Execute', 'C.Execute']);
    expect(events).toEqual([]);
  });
});

describe('SAGA-T2, SAGA-T4: it stops at the first failure and compensates in reverse', () => {
  it('A, B (fails), C: A.Execute, B.Execute, A.Rollback; C never runs; Handle rejects with B’s error', async () => {
    const calls: string[] = [];
    const saga = NewSagaManager(
      's2',
      [step('A', calls), step('B', calls, { execute: true }), step('C', calls)],
      published().publish,
    );
    await expect(saga.Handle(Background())).rejects.toThrow(new Error('B failed'));
    expect(calls).toEqual(['A.Execute', 'B.Execute', 'A.Rollback']);
  });

  it('rolls back latest first: A, B, C (fails), D gives B.Rollback then A.Rollback', async () => {
    const calls: string[] = [];
    const saga = NewSagaManager(
      's3',
      [step('A', calls), step('B', calls), step('C', calls, { execute: true }), step('D', calls)],
      published().publish,
    );
    await expect(saga.Handle(Background())).rejects.toThrow('C failed');
    expect(calls).toEqual(['A.Execute', 'B.Execute', 'C.Execute', 'B.Rollback', 'A.Rollback']);
  });
});

describe('SAGA-T3: a compensation that fails is reported, and the others still run', () => {
  it('publishes compensation.failed with the saga, the step and the error, then rolls back the rest', async () => {
    const calls: string[] = [];
    const { events, publish } = published();
    const saga = NewSagaManager(
      'saga-42',
      [step('A', calls), step('B', calls, { rollback: true }), step('C', calls, { execute: true })],
      publish,
    );
    await expect(saga.Handle(Background())).rejects.toThrow('C failed');
    expect(calls).toEqual(['A.Execute', 'B.Execute', 'C.Execute', 'B.Rollback', 'A.Rollback']);
    expect(events).toHaveLength(1);
    expect(events[0]!.header.type).toBe('compensation.failed');
    expect(events[0]!.body).toEqual({ sagaId: 'saga-42', step: 1, error: 'B could not be undone' });
  });

  it('a retried saga reports the same failure under the same id (one logical event)', async () => {
    const first = published();
    const second = published();
    const steps = () => {
      const calls: string[] = [];
      return [step('A', calls, { rollback: true }), step('B', calls, { execute: true })];
    };
    await NewSagaManager('saga-7', steps(), first.publish)
      .Handle(Background())
      .catch(() => {});
    await NewSagaManager('saga-7', steps(), second.publish)
      .Handle(Background())
      .catch(() => {});
    expect(first.events[0]!.header.id).toBe(second.events[0]!.header.id);
  });
});

describe('SAGA-T5: compensations are idempotent', () => {
  it('cancelling an order or refunding a payment twice changes nothing the second time', async () => {
    const orders = new InMemoryOrders();
    const payments = new InMemoryPayments();
    const orderStep = new OrderCreator(orders, 'order-1');
    const paymentStep = new PaymentCreator(payments, 'payment-1', Money.New(973, 'USD'));
    await orderStep.Execute(Background());
    await paymentStep.Execute(Background());
    for (let i = 0; i < 2; i++) {
      await paymentStep.Rollback(Background());
      await orderStep.Rollback(Background());
    }
    expect(orders.StatusOf('order-1')).toBe('canceled');
    expect(payments.Ledger().map((entry) => entry.kind)).toEqual(['payment', 'refund']);
  });

  it('compensating a step that never happened does nothing (a retry may come before the action)', async () => {
    const orders = new InMemoryOrders();
    const payments = new InMemoryPayments();
    await new OrderCreator(orders, 'order-2').Rollback(Background());
    await new PaymentCreator(payments, 'payment-2', Money.New(1, 'USD')).Rollback(Background());
    expect(orders.StatusOf('order-2')).toBeUndefined();
    expect(payments.Ledger()).toEqual([]);
  });

  it('the book’s saga end to end: the payment fails, the order is canceled, nothing is charged', async () => {
    const orders = new InMemoryOrders();
    const payments = new InMemoryPayments();
    payments.failNext('CreatePayment');
    const saga = NewSagaManager(
      'checkout-1',
      [new OrderCreator(orders, 'order-3'), new PaymentCreator(payments, 'payment-3', Money.New(500, 'USD'))],
      published().publish,
    );
    await expect(saga.Handle(Background())).rejects.toThrow('CreatePayment failed');
    expect(orders.StatusOf('order-3')).toBe('canceled');
    expect(payments.Ledger()).toEqual([]);
  });
});

describe('SAGA-6: every step has its compensating action', () => {
  it('a step without a Rollback does not compile, and is refused at run time', () => {
    const executeOnly = { Execute: async () => {} };
    // @ts-expect-error a saga step must declare its compensating action
    const bad: Saga = executeOnly;
    expect(() => new SagaManager('s', [bad], published().publish)).toThrow(
      'step 0 of saga s has no compensating action',
    );
  });

  it('the book’s steps compensate for real: the order is canceled, the payment refunded', async () => {
    const orders = new InMemoryOrders();
    const payments = new InMemoryPayments();
    const saga = NewSagaManager(
      'checkout-2',
      [
        new OrderCreator(orders, 'order-5'),
        new PaymentCreator(payments, 'payment-5', Money.New(500, 'USD')),
        {
          Execute: async () => {
            throw new Error('shipping refused');
          },
          Rollback: async () => {},
        },
      ],
      published().publish,
    );
    await expect(saga.Handle(Background())).rejects.toThrow('shipping refused');
    expect(orders.StatusOf('order-5')).toBe('canceled');
    expect(payments.Ledger().map((entry) => entry.kind)).toEqual(['payment', 'refund']);
  });
});
