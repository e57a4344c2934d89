import type { ErrorKind } from '@tessera/platform/ddd';
import {
  commandIdOf,
  type SagaInput,
  type SagaInstance,
  STEP_TIMED_OUT,
  type StepReply,
  sagaTransition,
  type Transition,
} from '@tessera/platform/sagas';
import { describe, expect, it } from 'vitest';
import { CREATE_ORDER_REPLIES, type CreateOrderData, createOrderSaga } from '../../src/cosec/saga.js';
import { CUSTOMERS_COMMAND_CHANNEL } from '../../src/customers/contract/integration-events.js';
import { DEPOT_COMMAND_CHANNEL } from '../../src/depot/contract/integration-events.js';
import { ORDERING_COMMAND_CHANNEL } from '../../src/ordering/contract/integration-events.js';
import { PAYMENTS_COMMAND_CHANNEL } from '../../src/payments/contract/integration-events.js';

// The real definition on the pure core: no database, no broker, no clock (a timeout is an input).
const STEP_TIMEOUT_MS = 90_000;
const saga = createOrderSaga({ stepTimeoutMs: STEP_TIMEOUT_MS });
const NAME = 'cosec.CreateOrder';

const orderId = '5c9a0f3e-2b1d-4e8f-9a7b-6c5d4e3f2a1b';
const customerId = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';
const listId = '3f2e1d0c-9b8a-4766-8544-332211009988';
const storeA = '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a';
const storeB = '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const productA = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';
const productB = '1f2e3d4c-5b6a-4798-a8b7-c6d5e4f3a2b1';
const data: CreateOrderData = {
  orderId,
  customerId,
  paymentId: 'pay-42',
  totalCents: 4056,
  items: [
    { storeId: storeA, productId: productA, quantity: 2 },
    { storeId: storeB, productId: productB, quantity: 1 },
  ],
};

const action = (step: number) => commandIdOf(NAME, orderId, step, false);
const compensation = (step: number) => commandIdOf(NAME, orderId, step, true);

type Instance = SagaInstance<CreateOrderData>;

/** Given a started saga; each `when` feeds the last transition's instance to the next input. */
function given() {
  let last: Transition<Instance> = sagaTransition(saga, undefined, { kind: 'start', id: orderId, data });
  const sent = [...last.commands];
  let n = 0;
  const when = (input: SagaInput<CreateOrderData>) => {
    last = sagaTransition(saga, last.instance, input);
    sent.push(...last.commands);
    return last;
  };
  const awaited = () => last.instance.awaiting!;
  return {
    sent,
    get last() {
      return last;
    },
    /** The participant answers the awaited command (or `causationId`) with Success. */
    succeeds: (result?: unknown, causationId = awaited()) =>
      when({
        kind: 'reply',
        causationId,
        messageId: `reply-${++n}`,
        reply: { ok: true, command: 'any', ...(result === undefined ? {} : { result }) },
      }),
    /** The participant refuses the awaited command. */
    refuses: (reason: string, kind: ErrorKind = 'failed_precondition', code = 'refused') =>
      when({
        kind: 'reply',
        causationId: awaited(),
        messageId: `reply-${++n}`,
        reply: { ok: false, command: 'any', kind, code, reason } satisfies StepReply,
      }),
    /** The awaited step's deadline fires (time travel: the timeout is just an input). */
    timesOut: (causationId = awaited()) =>
      when({ kind: 'timeout', causationId, messageId: `timeout-${++n}` }),
  };
}

/** Runs the happy path up to (and not including) the reply to `step`'s action. */
function upTo(step: number) {
  const run = given();
  for (let s = 1; s < step; s++) run.succeeds(s === 2 ? { id: listId } : undefined);
  return run;
}

const rejectOrder = (reason: string) => ({
  id: compensation(0),
  type: 'ordersapi.RejectOrder',
  channel: ORDERING_COMMAND_CHANNEL,
  key: orderId,
  data: { id: orderId, reason },
  replyTo: CREATE_ORDER_REPLIES,
  step: 0,
});
const cancelShoppingList = {
  id: compensation(2),
  type: 'depotapi.CancelShoppingList',
  channel: DEPOT_COMMAND_CHANNEL,
  key: orderId,
  data: { orderId },
  replyTo: CREATE_ORDER_REPLIES,
  step: 2,
};
const releasePayment = {
  id: compensation(3),
  type: 'paymentsapi.ReleasePayment',
  channel: PAYMENTS_COMMAND_CHANNEL,
  key: orderId,
  data: { id: 'pay-42', orderId },
  replyTo: CREATE_ORDER_REPLIES,
  step: 3,
};

describe('the create-order saga definition, on the pure core', () => {
  it('sends each action in turn to its participant, keeps the shopping list id, and completes', () => {
    const run = given();
    expect(run.last.instance).toMatchObject({ saga: NAME, id: orderId, step: 1, status: 'running' });
    run.succeeds();
    run.succeeds({ id: listId });
    expect(run.last.instance.data.shoppingListId).toBe(listId);
    run.succeeds();
    run.succeeds();
    run.succeeds();
    expect(run.last.instance).toMatchObject({ step: 5, status: 'completed', awaiting: undefined });
    expect(run.last.instance.data.rejection).toBeUndefined();
    expect(run.last.commands).toEqual([]);
    expect(run.last.history.map((entry) => entry.event)).toEqual(['replied', 'completed']);

    const command = (step: number, type: string, channel: string, key: string, body: unknown) => ({
      id: action(step),
      type,
      channel,
      key,
      data: body,
      replyTo: CREATE_ORDER_REPLIES,
      step,
    });
    expect(run.sent).toEqual([
      command(1, 'customersapi.AuthorizeCustomer', CUSTOMERS_COMMAND_CHANNEL, customerId, { id: customerId }),
      command(2, 'depotapi.CreateShoppingList', DEPOT_COMMAND_CHANNEL, orderId, {
        orderId,
        items: data.items,
      }),
      command(3, 'paymentsapi.ConfirmPayment', PAYMENTS_COMMAND_CHANNEL, orderId, {
        id: 'pay-42',
        orderId,
        customerId,
        amountCents: 4056,
      }),
      command(4, 'depotapi.InitiateShopping', DEPOT_COMMAND_CHANNEL, orderId, { id: listId }),
      command(5, 'ordersapi.ApproveOrder', ORDERING_COMMAND_CHANNEL, orderId, {
        id: orderId,
        shoppingListId: listId,
      }),
    ]);
  });

  it('times every action: schedules its deadline when sending it, and cancels it on the reply', () => {
    const run = given();
    for (let step = 1; step <= 5; step++) {
      expect(run.last.schedule).toEqual([
        {
          id: `${NAME}:${orderId}:timeout:${step}`,
          afterMs: STEP_TIMEOUT_MS,
          messageId: expect.any(String),
          type: STEP_TIMED_OUT,
          data: expect.objectContaining({ saga: NAME, id: orderId, step }),
          causationId: action(step),
        },
      ]);
      run.succeeds(step === 2 ? { id: listId } : undefined);
      expect(run.last.cancel).toEqual([`${NAME}:${orderId}:timeout:${step}`]);
    }
    expect(run.last.instance.status).toBe('completed');
  });

  it('derives the same command ids and data when a transition is retried', () => {
    const first = upTo(3).last;
    const again = upTo(3).last;
    expect(again.commands).toEqual(first.commands);
    expect(again.schedule).toEqual(first.schedule);
  });

  it.each([
    {
      refused: 'AuthorizeCustomer',
      step: 1,
      kind: 'permission_denied' as const,
      reason: 'customer is not authorized',
      compensations: [rejectOrder('customer is not authorized')],
    },
    {
      refused: 'CreateShoppingList',
      step: 2,
      kind: 'not_found' as const,
      reason: `the product ${productB} is not known`,
      compensations: [rejectOrder(`the product ${productB} is not known`)],
    },
    {
      refused: 'ConfirmPayment',
      step: 3,
      kind: 'failed_precondition' as const,
      reason: "payment cannot be confirmed: the order's total 40.56 differs from the authorized amount 40.00",
      compensations: [
        cancelShoppingList,
        rejectOrder(
          "payment cannot be confirmed: the order's total 40.56 differs from the authorized amount 40.00",
        ),
      ],
    },
    {
      refused: 'InitiateShopping',
      step: 4,
      kind: 'failed_precondition' as const,
      reason: 'shopping list is canceled',
      // The payment was confirmed: a rejected order gives it back.
      compensations: [releasePayment, cancelShoppingList, rejectOrder('shopping list is canceled')],
    },
    {
      refused: 'ApproveOrder',
      step: 5,
      kind: 'failed_precondition' as const,
      reason: 'order is not pending',
      compensations: [releasePayment, cancelShoppingList, rejectOrder('order is not pending')],
    },
  ])(
    '$refused refused: compensates with $compensations.length command(s) and ends compensated',
    ({ step, kind, reason, compensations }) => {
      const run = upTo(step);
      const before = run.sent.length;
      run.refuses(reason, kind, 'some_rule');
      expect(run.last.instance.status).toBe('compensating');
      expect(run.last.instance.data.rejection).toBe(reason);
      expect(run.last.history[1]).toEqual({
        event: 'compensating',
        step,
        detail: { kind, code: 'some_rule', reason },
      });
      // The refused step's deadline goes; compensations are not timed.
      expect(run.last.cancel).toEqual([`${NAME}:${orderId}:timeout:${step}`]);
      while (run.last.instance.status === 'compensating') {
        expect(run.last.schedule).toEqual([]);
        run.succeeds();
      }
      expect(run.sent.slice(before)).toEqual(compensations);
      expect(run.last.instance).toMatchObject({ status: 'compensated', step: 0, awaiting: undefined });
      expect(run.last.history.at(-1)).toEqual({ event: 'compensated' });
      // A refused CreateShoppingList ran its reply handler too: it recorded the refusal, not a list.
      if (step === 2) expect(run.last.instance.data.shoppingListId).toBeUndefined();
    },
  );

  it('keeps the first refusal as the reason, whatever the compensations answer', () => {
    const run = upTo(3);
    run.refuses('payment declined');
    run.succeeds({ unexpected: 'result' });
    expect(run.last.commands[0]!.data).toEqual({ id: orderId, reason: 'payment declined' });
  });

  it.each([
    // AuthorizeCustomer changes nothing: it has no compensation.
    { step: 1, compensations: ['ordersapi.RejectOrder'] },
    // The list may have been made after all: the timed-out step is compensated too, by the order's id.
    { step: 2, compensations: ['depotapi.CancelShoppingList', 'ordersapi.RejectOrder'] },
    {
      step: 3,
      compensations: ['paymentsapi.ReleasePayment', 'depotapi.CancelShoppingList', 'ordersapi.RejectOrder'],
    },
    {
      step: 4,
      compensations: ['paymentsapi.ReleasePayment', 'depotapi.CancelShoppingList', 'ordersapi.RejectOrder'],
    },
    {
      step: 5,
      compensations: ['paymentsapi.ReleasePayment', 'depotapi.CancelShoppingList', 'ordersapi.RejectOrder'],
    },
  ])(
    'a participant that does not answer step $step in time: its step is undone too, the order rejected for no answer',
    ({ step, compensations }) => {
      const run = upTo(step);
      const before = run.sent.length;
      const timedOut = run.last.instance.awaiting!;
      run.timesOut();
      expect(run.last.history.slice(0, 2)).toEqual([
        { event: 'timed_out', step, detail: { afterMs: STEP_TIMEOUT_MS } },
        { event: 'compensating', step, detail: { reason: 'timeout' } },
      ]);
      // The deadline fired: nothing to cancel.
      expect(run.last.cancel).toEqual([]);
      while (run.last.instance.status === 'compensating') run.succeeds();
      expect(run.sent.slice(before).map((command) => command.type)).toEqual(compensations);
      expect(run.sent.at(-1)!.data).toEqual({ id: orderId, reason: 'no answer within 90 s' });
      expect(run.last.instance.status).toBe('compensated');

      // The participant's answer arrives after all: recorded, and nothing else.
      const done = run.last.instance;
      const late = run.succeeds({ id: listId }, timedOut);
      expect(late.instance).toBe(done);
      expect(late.commands).toEqual([]);
      expect(late.history).toEqual([
        { event: 'ignored', step: 0, detail: expect.objectContaining({ reason: 'saga is compensated' }) },
      ]);
    },
  );

  it('a timed-out CreateShoppingList is canceled by the order id (its list id was never learnt)', () => {
    const run = upTo(2);
    run.timesOut();
    expect(run.last.instance.data.shoppingListId).toBeUndefined();
    expect(run.last.commands).toEqual([cancelShoppingList]);
  });

  it('a timed-out ConfirmPayment is released first, on the action’s channel and key (handled after it)', () => {
    const run = upTo(3);
    const confirm = run.sent.at(-1)!;
    run.timesOut();
    expect(run.last.commands).toEqual([releasePayment]);
    expect([run.last.commands[0]!.channel, run.last.commands[0]!.key]).toEqual([
      confirm.channel,
      confirm.key,
    ]);
  });

  it('ignores a duplicate reply, a reply to nothing it awaits, a late timeout and a second start', () => {
    const run = upTo(3);
    const moved = run.last.instance;
    for (const transition of [
      run.succeeds(undefined, action(1)), // AuthorizeCustomer's reply again (another message id)
      run.succeeds({ id: 'other-list' }, action(2)),
      run.succeeds(undefined, 'some-other-command'),
      run.timesOut(action(2)), // the list step's deadline, had its cancel been missed
    ]) {
      expect(transition.instance).toBe(moved);
      expect(transition.commands).toEqual([]);
      expect(transition.schedule).toEqual([]);
      expect(transition.cancel).toEqual([]);
      expect(transition.history).toEqual([
        { event: 'ignored', step: 3, detail: expect.objectContaining({ reason: 'not the awaited command' }) },
      ]);
    }
    const again = sagaTransition(saga, moved, { kind: 'start', id: orderId, data });
    expect(again.instance).toBe(moved);
    expect(again.commands).toEqual([]);
    expect(again.history).toEqual([{ event: 'ignored', step: 3, detail: { reason: 'already started' } }]);

    // Still the list of the first reply; the saga goes on from where it was.
    run.succeeds();
    expect(run.last.instance).toMatchObject({ step: 4, data: { shoppingListId: listId } });
  });

  it('ignores the last reply again once completed', () => {
    const run = upTo(6);
    const completed = run.last.instance;
    expect(completed.status).toBe('completed');
    const late = run.succeeds(undefined, action(5));
    expect(late.instance).toBe(completed);
    expect(late.history[0]).toMatchObject({ event: 'ignored', detail: { reason: 'saga is completed' } });
  });

  it.each([
    { refused: 'CancelShoppingList', failingAt: 3, refusedAt: 2, sentAfter: ['depotapi.CancelShoppingList'] },
    { refused: 'ReleasePayment', failingAt: 4, refusedAt: 3, sentAfter: ['paymentsapi.ReleasePayment'] },
    { refused: 'RejectOrder', failingAt: 1, refusedAt: 0, sentAfter: ['ordersapi.RejectOrder'] },
  ])(
    'a refused compensation ($refused) ends the saga failed, for a person to look at',
    ({ failingAt, refusedAt, sentAfter }) => {
      const run = upTo(failingAt);
      run.refuses('first refusal');
      const before = run.sent.length - 1;
      run.refuses('cannot undo', 'failed_precondition', 'shopping_list_not_cancelable');
      expect(run.last.instance).toMatchObject({ status: 'failed', step: refusedAt, awaiting: undefined });
      expect(run.last.commands).toEqual([]);
      expect(run.sent.slice(before).map((command) => command.type)).toEqual(sentAfter);
      expect(run.last.history.at(-1)).toEqual({
        event: 'failed',
        step: refusedAt,
        detail: { kind: 'failed_precondition', code: 'shopping_list_not_cancelable', reason: 'cannot undo' },
      });
      // Terminal: a late Success changes nothing.
      const failed = run.last.instance;
      expect(run.succeeds(undefined, compensation(refusedAt)).instance).toBe(failed);
    },
  );

  it('throws (the message is retried, then dead-lettered) when the list reply carries no list id', () => {
    const run = upTo(2);
    expect(() => run.succeeds({ shoppingListId: listId })).toThrow();
    expect(() => run.succeeds()).toThrow();
  });
});
