import {
  commandIdOf,
  defineSaga,
  type SagaInstance,
  type StepReply,
  sagaTransition,
  type Transition,
} from '@tessera/platform/sagas';
import { describe, expect, it } from 'vitest';
import { type CreateOrderData, createOrderSaga, PAYMENT_TIMEOUT_MS } from './create-order-saga.js';

const saga = createOrderSaga('test.cosec.replies');
const data: CreateOrderData = { orderId: 'o-1', customerId: 'c-1', paymentId: 'p-1', total: 42 };

const success = (command: string, result?: unknown): StepReply => ({
  ok: true,
  command,
  ...(result === undefined ? {} : { result }),
});
const failure = (command: string, code = 'refused'): StepReply => ({
  ok: false,
  command,
  kind: 'failed_precondition',
  code,
  reason: 'no',
});

/** Given/when/then over the pure core: each `when` feeds the last transition's instance to the next input. */
function given() {
  let last = sagaTransition(saga, undefined, { kind: 'start', id: 's-1', data });
  const sent = [...last.commands.map((c) => c.type)];
  let n = 0;
  const step = (input: Parameters<typeof sagaTransition<CreateOrderData>>[2]) => {
    last = sagaTransition(saga, last.instance, input);
    sent.push(...last.commands.map((c) => c.type));
    return last;
  };
  return {
    sent,
    get last(): Transition<SagaInstance<CreateOrderData>> {
      return last;
    },
    /** The participant answers the command the instance waits for. */
    reply: (reply: (command: string) => StepReply, causationId = last.instance.awaiting!) =>
      step({ kind: 'reply', causationId, messageId: `m-${++n}`, reply: reply(last.commands[0]?.type ?? '') }),
    timeout: (causationId = last.instance.awaiting!) =>
      step({ kind: 'timeout', causationId, messageId: `t-${++n}` }),
  };
}

const ok = (result?: unknown) => (command: string) => success(command, result);
const no = (code?: string) => (command: string) => failure(command, code);

describe('the create-order saga, on the pure core', () => {
  it('runs every action in order, skipping the step with no action, stores the list id, and completes', () => {
    const run = given();
    expect(run.last.instance).toMatchObject({ step: 1, status: 'running' });
    expect(run.last.commands[0]).toMatchObject({
      id: commandIdOf('cosec.CreateOrder', 's-1', 1, false),
      channel: 'test.customers.commands',
      key: 'c-1',
      replyTo: 'test.cosec.replies',
    });
    run.reply(ok());
    run.reply(ok('list-9'));
    expect(run.last.instance.data.shoppingId).toBe('list-9');
    run.reply(ok());
    run.reply(ok());
    expect(run.last.commands[0]!.data).toEqual({ id: 'o-1', shoppingId: 'list-9' });
    run.reply(ok());
    expect(run.last.instance).toMatchObject({ status: 'completed', step: 5, awaiting: undefined });
    expect(run.last.commands).toEqual([]);
    expect(run.sent).toEqual([
      'customersapi.AuthorizeCustomer',
      'depotapi.CreateShoppingList',
      'paymentsapi.ConfirmPayment',
      'depotapi.InitiateShopping',
      'orderingapi.ApproveOrder',
    ]);
    expect(run.last.history.map((h) => h.event)).toEqual(['replied', 'completed']);
  });

  it.each([
    [1, ['orderingapi.RejectOrder']],
    [2, ['orderingapi.RejectOrder']],
    [3, ['depotapi.CancelShoppingList', 'orderingapi.RejectOrder']],
    [4, ['depotapi.CancelShoppingList', 'orderingapi.RejectOrder']],
    [5, ['depotapi.CancelShoppingList', 'orderingapi.RejectOrder']],
  ])('a failure at step %i compensates from the step before it: %j', (failing, compensations) => {
    const run = given();
    for (let step = 1; step < failing; step++) run.reply(ok(step === 2 ? 'list-9' : undefined));
    const before = run.sent.length;
    run.reply(no());
    expect(run.last.instance.status).toBe('compensating');
    expect(run.last.history.map((h) => h.event)).toEqual(['replied', 'compensating', 'sent']);
    while (run.last.instance.status === 'compensating') run.reply(ok());
    expect(run.sent.slice(before)).toEqual(compensations);
    expect(run.last.instance.status).toBe('compensated');
  });

  it('runs the reply handler on a failure too, and keeps what it stored while compensating', () => {
    const run = given();
    run.reply(ok());
    run.reply(no('unknown_store'));
    expect(run.last.instance.data.shoppingRefusal).toBe('unknown_store');
    expect(run.last.commands.map((c) => c.type)).toEqual(['orderingapi.RejectOrder']);
    run.reply(ok());
    expect(run.last.instance).toMatchObject({
      status: 'compensated',
      data: { shoppingRefusal: 'unknown_store' },
    });
  });

  it('ignores a duplicate reply and a late one, recording why, without moving or sending', () => {
    const run = given();
    const first = run.last.instance.awaiting!;
    run.reply(ok());
    const moved = run.last.instance;
    const duplicate = run.reply(ok(), first);
    expect(duplicate.instance).toBe(moved);
    expect(duplicate.commands).toEqual([]);
    expect(duplicate.history).toEqual([
      {
        event: 'ignored',
        step: 2,
        detail: expect.objectContaining({ reason: 'not the awaited command', causationId: first }),
      },
    ]);
    const unknown = run.reply(ok(), 'some-other-command');
    expect(unknown.history[0]!.event).toBe('ignored');
    // Once the saga is over, even its last command's reply is only recorded.
    for (let i = 0; i < 4; i++) run.reply(ok('list-9'));
    const last = run.last.instance;
    expect(last.status).toBe('completed');
    const late = sagaTransition(saga, last, {
      kind: 'reply',
      causationId: commandIdOf('cosec.CreateOrder', 's-1', 5, false),
      messageId: 'again',
      reply: success('orderingapi.ApproveOrder'),
    });
    expect(late.instance).toBe(last);
    expect(late.history[0]).toMatchObject({ event: 'ignored', detail: { reason: 'saga is completed' } });
  });

  it('schedules a timeout for a step that has one, cancels it on the reply, and ignores it if it fires late', () => {
    const run = given();
    run.reply(ok());
    run.reply(ok('list-9'));
    const paying = run.last;
    expect(paying.schedule).toEqual([
      expect.objectContaining({
        afterMs: PAYMENT_TIMEOUT_MS,
        type: 'sagas.StepTimedOut',
        causationId: paying.instance.awaiting,
      }),
    ]);
    const timedCommand = paying.instance.awaiting!;
    run.reply(ok());
    expect(run.last.cancel).toEqual([paying.schedule[0]!.id]);
    expect(run.last.schedule).toEqual([]);
    const late = run.timeout(timedCommand);
    expect(late.history[0]).toMatchObject({ event: 'ignored', detail: { input: 'timeout' } });
  });

  it('a timeout before the reply fails the step and compensates; the reply arriving after is ignored', () => {
    const run = given();
    run.reply(ok());
    run.reply(ok('list-9'));
    const timedCommand = run.last.instance.awaiting!;
    const timedOut = run.timeout();
    expect(timedOut.history.map((h) => h.event)).toEqual(['timed_out', 'compensating', 'sent']);
    expect(timedOut.commands.map((c) => c.type)).toEqual(['depotapi.CancelShoppingList']);
    expect(timedOut.commands[0]!.data).toEqual({ id: 'list-9' });
    expect(timedOut.cancel).toEqual([]);
    expect(run.reply(ok(), timedCommand).history[0]!.event).toBe('ignored');
    run.reply(ok());
    run.reply(ok());
    expect(run.last.instance.status).toBe('compensated');
  });

  it('a timed-out step without a compensation is skipped: compensation goes on from the step before', () => {
    const run = given();
    run.reply(ok());
    run.reply(ok('list-9'));
    expect(run.timeout().commands.map((c) => c.type)).toEqual(['depotapi.CancelShoppingList']);
  });

  it('a failure while compensating ends the saga as failed, recorded, with nothing more to send', () => {
    const run = given();
    run.reply(ok());
    run.reply(ok('list-9'));
    run.reply(no());
    const refused = run.reply(no('already_shipped'));
    expect(refused.instance).toMatchObject({ status: 'failed', step: 2 });
    expect(refused.commands).toEqual([]);
    expect(refused.history.at(-1)).toEqual({
      event: 'failed',
      step: 2,
      detail: { code: 'already_shipped', kind: 'failed_precondition', reason: 'no' },
    });
    expect(run.reply(ok()).history[0]).toMatchObject({
      event: 'ignored',
      detail: { reason: 'saga is failed' },
    });
  });

  it('lets an action error propagate instead of swallowing it', () => {
    const broken = defineSaga<{ n: number }>({
      name: 'tests.Broken',
      replyChannel: 'test.replies',
      steps: [
        {
          name: 'explode',
          action: () => {
            throw new Error('cannot build the command');
          },
        },
      ],
    });
    expect(() => sagaTransition(broken, undefined, { kind: 'start', id: 'x', data: { n: 1 } })).toThrow(
      'cannot build the command',
    );
  });

  it('refuses definitions that cannot run', () => {
    expect(() => defineSaga({ name: 'tests.Empty', replyChannel: 'r', steps: [] })).toThrow('no steps');
    expect(() =>
      defineSaga({
        name: 'tests.NoAction',
        replyChannel: 'r',
        steps: [{ name: 'a', compensation: () => ({ type: 't', channel: 'c', key: 'k', data: {} }) }],
      }),
    ).toThrow('no step with an action');
    expect(() => defineSaga({ name: 'bad name!', replyChannel: 'r', steps: [{ name: 'a' }] })).toThrow(
      'dot-separated',
    );
  });
});

describe('a timed-out step, on the pure core', () => {
  /** Three steps that all compensate, each waiting at most a second. */
  const reserving = defineSaga<{ n: number }>({
    name: 'tests.Reserving',
    replyChannel: 'test.replies',
    steps: ['first', 'second', 'third'].map((name) => ({
      name,
      action: () => ({ type: `do.${name}`, channel: 'test.commands', key: 'k-1', data: { name } }),
      compensation: () => ({ type: `undo.${name}`, channel: 'test.commands', key: 'k-1', data: { name } }),
      timeoutMs: 1000,
    })),
  });

  /** Runs the saga until `stepsDone` actions succeeded; the instance then waits for the next one. */
  function runTo(stepsDone: number) {
    let last = sagaTransition(reserving, undefined, { kind: 'start', id: 'r-1', data: { n: 1 } });
    for (let i = 0; i < stepsDone; i++) {
      last = sagaTransition(reserving, last.instance, {
        kind: 'reply',
        causationId: last.instance.awaiting!,
        messageId: `ok-${i}`,
        reply: success(last.commands[0]!.type),
      });
    }
    return last;
  }

  /** The step `waiting` awaits answers with a Failure. */
  const refusedAt = (waiting: Transition<SagaInstance<{ n: number }>>) =>
    sagaTransition(reserving, waiting.instance, {
      kind: 'reply',
      causationId: waiting.instance.awaiting!,
      messageId: 'no-1',
      reply: failure(waiting.commands[0]!.type),
    });

  /** Answers every compensation with Success until the saga ends; returns the compensations sent. */
  function compensateAll(from: Transition<SagaInstance<{ n: number }>>) {
    const sent = from.commands.map((c) => c.type);
    let last = from;
    while (last.instance.status === 'compensating') {
      last = sagaTransition(reserving, last.instance, {
        kind: 'reply',
        causationId: last.instance.awaiting!,
        messageId: `undo-${sent.length}`,
        reply: success(last.commands[0]!.type),
      });
      sent.push(...last.commands.map((c) => c.type));
    }
    return { sent, last };
  }

  it.each([
    [0, ['undo.first']],
    [1, ['undo.second', 'undo.first']],
    [2, ['undo.third', 'undo.second', 'undo.first']],
  ])('after %i steps, a timeout compensates the timed-out step first, then backwards: %j', (done, undo) => {
    const waiting = runTo(done);
    const timedOut = sagaTransition(reserving, waiting.instance, {
      kind: 'timeout',
      causationId: waiting.instance.awaiting!,
      messageId: 't-1',
    });
    expect(timedOut.history).toEqual([
      { event: 'timed_out', step: done, detail: { afterMs: 1000 } },
      { event: 'compensating', step: done, detail: { reason: 'timeout' } },
      expect.objectContaining({ event: 'sent', step: done }),
    ]);
    // The timed-out step's own compensation, on the action's channel and key, so its participant sees the
    // action first; its id is the step's compensation id, so a retried timeout sends the same message.
    expect(timedOut.commands).toEqual([
      expect.objectContaining({
        id: commandIdOf('tests.Reserving', 'r-1', done, true),
        type: `undo.${reserving.steps[done]!.name}`,
        channel: 'test.commands',
        key: 'k-1',
        step: done,
      }),
    ]);
    expect(timedOut.instance).toMatchObject({ status: 'compensating', step: done });
    // A compensation has no timeout of its own, and the fired timeout has nothing left to cancel.
    expect(timedOut.schedule).toEqual([]);
    expect(timedOut.cancel).toEqual([]);
    const { sent, last } = compensateAll(timedOut);
    expect(sent).toEqual(undo);
    expect(last.instance.status).toBe('compensated');
  });

  it.each([
    [0, []],
    [1, ['undo.first']],
    [2, ['undo.second', 'undo.first']],
  ])('after %i steps, a Failure compensates only the steps before the refused one: %j', (done, undo) => {
    const refused = refusedAt(runTo(done));
    expect(refused.cancel).toEqual([`tests.Reserving:r-1:timeout:${done}`]);
    const { sent, last } = compensateAll(refused);
    expect(sent).toEqual(undo);
    expect(last.instance.status).toBe('compensated');
  });

  it('a timeout that arrives while compensating is ignored (compensations have none)', () => {
    const waiting = runTo(1);
    expect(waiting.commands[0]!.type).toBe('do.second');
    const refused = refusedAt(waiting);
    const stale = sagaTransition(reserving, refused.instance, {
      kind: 'timeout',
      causationId: waiting.instance.awaiting!,
      messageId: 't-late',
    });
    expect(stale.instance).toBe(refused.instance);
    expect(stale.commands).toEqual([]);
    expect(stale.history[0]).toMatchObject({
      event: 'ignored',
      detail: { reason: 'not the awaited command' },
    });
  });
});
