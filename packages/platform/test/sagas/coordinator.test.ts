import { randomUUID } from 'node:crypto';
import { failedPrecondition, permissionDenied } from '@tessera/platform/ddd';
import { createHttpServer, type HttpServer } from '@tessera/platform/http';
import {
  causedBy,
  type Envelope,
  FAILURE_REPLY,
  onCommands,
  SUCCESS_REPLY,
} from '@tessera/platform/messaging';
import { createLogger, metricsRegistry } from '@tessera/platform/observability';
import {
  defineSaga,
  registerSagaAdminRoutes,
  type SagaCoordinator,
  sagaInspection,
  startSagaCoordinator,
} from '@tessera/platform/sagas';
import { expectProblem, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CreateOrderData, createOrderSaga, PAYMENT_TIMEOUT_MS } from './create-order-saga.js';
import { openSagaTestbed, type SagaTestbed, signals, unique } from './support.js';

const REPLIES = 'test.cosec.replies';
const saga = createOrderSaga(REPLIES);
const broken = defineSaga<Record<string, never>>({
  name: 'tests.Broken',
  replyChannel: 'test.broken.replies',
  steps: [
    {
      name: 'explode',
      action: () => {
        throw new Error('cannot build the command');
      },
    },
  ],
});
const id = z.object({ id: z.string().optional() });

describe.each(testSetups)(
  'the saga coordinator with the $broker broker, on $backend.backend',
  ({ backend, broker: kind }) => {
    let bed: SagaTestbed;
    let coordinator: SagaCoordinator;
    let http: HttpServer;
    /** Every command a participant handled, at its commit. */
    const received = signals<Envelope>();
    /** Every reply on the saga's channel, as a spy group sees it. */
    const replies = signals<Envelope>();
    const refusedCustomers = new Set<string>();
    const refusedCancels = new Set<string>();
    const payments = new Map<string, 'approve' | 'refuse' | 'hold'>();

    const startCoordinator = () =>
      startSagaCoordinator(
        { db: bed.db, broker: bed.broker, deadlines: bed.deadlines, clock: bed.clock, logger: bed.logger },
        [saga, broken],
      );

    beforeAll(async () => {
      bed = await openSagaTestbed(backend, kind);
      const { db, broker } = bed;
      const record = async (_data: unknown, command: Envelope) => {
        await db.afterCommit(() => received.push(command));
      };
      const participant = (
        group: string,
        channel: string,
        schemas: Record<string, z.ZodType>,
        handlers: Record<string, (data: never, command: Envelope) => Promise<unknown>>,
      ) =>
        broker.subscribe({
          group,
          subjects: [channel],
          handle: onCommands(schemas, handlers as Parameters<typeof onCommands>[1], {
            publisher: broker,
            source: group,
            db,
          }),
        });
      await participant(
        'customers',
        'test.customers.commands',
        { 'customersapi.AuthorizeCustomer': id },
        {
          'customersapi.AuthorizeCustomer': async (data: { id: string }, command) => {
            if (refusedCustomers.has(data.id)) throw permissionDenied('customer_unauthorized', 'not allowed');
            await record(data, command);
          },
        },
      );
      await participant(
        'depot',
        'test.depot.commands',
        {
          'depotapi.CreateShoppingList': z.object({ orderId: z.string() }),
          'depotapi.CancelShoppingList': id,
          'depotapi.InitiateShopping': id,
        },
        {
          'depotapi.CreateShoppingList': async (data: { orderId: string }, command) => {
            await record(data, command);
            return `list-${data.orderId}`;
          },
          'depotapi.CancelShoppingList': async (data: { id: string }, command) => {
            if (refusedCancels.has(data.id))
              throw failedPrecondition('already_shipped', 'too late to cancel');
            await record(data, command);
          },
          'depotapi.InitiateShopping': record,
        },
      );
      await participant(
        'ordering',
        'test.ordering.commands',
        { 'orderingapi.RejectOrder': id, 'orderingapi.ApproveOrder': id.extend({ shoppingId: z.string() }) },
        {
          'orderingapi.RejectOrder': record,
          'orderingapi.ApproveOrder': record,
        },
      );
      // Payments answers by hand when told to hold: the tests reply, late or twice, as they need.
      await broker.subscribe({
        group: 'payments',
        subjects: ['test.payments.commands'],
        handle: async (command) => {
          await record(command.data, command);
          const behaviour = payments.get((command.data as { id: string }).id) ?? 'approve';
          if (behaviour !== 'hold') await broker.publish([paymentReply(command, behaviour === 'approve')]);
        },
      });
      await broker.subscribe({
        group: 'spy',
        subjects: [REPLIES],
        handle: async (reply) => replies.push(reply),
      });
      coordinator = await startCoordinator();
      http = await createHttpServer({
        logger: createLogger({ level: 'silent', format: 'json' }),
        title: 'sagas',
        version: 'test',
      });
      registerSagaAdminRoutes(http, sagaInspection(bed.db));
    });
    afterAll(async () => {
      await http?.close();
      await coordinator?.stop();
      await bed?.close();
    });

    const paymentReply = (command: Envelope, ok: boolean) =>
      causedBy(command, 'payments', -1, {
        type: ok ? SUCCESS_REPLY : FAILURE_REPLY,
        subject: command.replyTo!,
        key: command.key,
        data: ok
          ? { command: command.type }
          : { command: command.type, kind: 'failed_precondition', code: 'declined', reason: 'card declined' },
      });

    const newOrder = (): CreateOrderData => ({
      orderId: `o-${unique()}`,
      customerId: `c-${unique()}`,
      paymentId: `p-${unique()}`,
      total: 30,
    });
    const begin = async (data: CreateOrderData) => {
      const sagaId = randomUUID();
      // As a trigger's handler would: inside its transaction.
      expect(await bed.db.transaction(() => coordinator.start(saga, sagaId, data))).toBe(true);
      return sagaId;
    };
    /** The commands participants handled for this order, in the order they handled them. */
    const commandsOf = (data: CreateOrderData) =>
      received.items
        .filter((c) => [data.orderId, data.customerId, data.paymentId].includes(c.key))
        .map((c) => c.type);
    /** The commands of an order that went through: each participant once, in the saga's order. */
    const HAPPY_PATH = [
      'customersapi.AuthorizeCustomer',
      'depotapi.CreateShoppingList',
      'paymentsapi.ConfirmPayment',
      'depotapi.InitiateShopping',
      'orderingapi.ApproveOrder',
    ];
    const instance = (sagaId: string) => sagaInspection(bed.db).get(saga.name, sagaId);
    const events = async (sagaId: string) => (await instance(sagaId))!.history.map((h) => h.event);

    it('runs the happy path: each participant once, the list id stored, completed', async () => {
      const data = newOrder();
      const sagaId = await begin(data);
      expect(await bed.db.transaction(() => coordinator.start(saga, sagaId, data))).toBe(false);
      await bed.until(sagaId, 'completed');
      expect(commandsOf(data)).toEqual(HAPPY_PATH);
      const approve = received.items.find(
        (c) => c.type === 'orderingapi.ApproveOrder' && c.key === data.orderId,
      )!;
      expect(approve.data).toEqual({ id: data.orderId, shoppingId: `list-${data.orderId}` });
      expect(approve.replyTo).toBe(REPLIES);
      expect(await instance(sagaId)).toMatchObject({
        status: 'completed',
        step: 5,
        data: { ...data, shoppingId: `list-${data.orderId}` },
      });
      expect(await events(sagaId)).toEqual([
        'started',
        'sent',
        ...Array(4).fill(['replied', 'sent']).flat(),
        'replied',
        'completed',
      ]);
      // The payment step's timeout was canceled by its reply.
      expect(await bed.deadlines.pending()).toEqual([]);
      const completed = (await metricsRegistry.getSingleMetric('saga_transitions_total')!.get()).values.find(
        (v) => v.labels.saga === saga.name && v.labels.event === 'completed',
      );
      expect(completed?.value).toBeGreaterThanOrEqual(1);
    });

    it('lets an action error propagate: the start rolls back with nothing stored or sent', async () => {
      const sagaId = randomUUID();
      await expect(bed.db.transaction(() => coordinator.start(broken, sagaId, {}))).rejects.toThrow(
        'cannot build the command',
      );
      expect(await sagaInspection(bed.db).get(broken.name, sagaId)).toBeUndefined();
    });

    it('compensates from the step before the failed one, and a refused compensation fails the saga', async () => {
      const declined = newOrder();
      payments.set(declined.paymentId, 'refuse');
      const sagaId = await begin(declined);
      await bed.until(sagaId, 'compensated');
      expect(commandsOf(declined).slice(3)).toEqual([
        'depotapi.CancelShoppingList',
        'orderingapi.RejectOrder',
      ]);
      expect((await instance(sagaId))!.status).toBe('compensated');

      const stuck = newOrder();
      payments.set(stuck.paymentId, 'refuse');
      refusedCancels.add(`list-${stuck.orderId}`);
      const stuckId = await begin(stuck);
      await bed.until(stuckId, 'failed');
      expect(await instance(stuckId)).toMatchObject({ status: 'failed', step: 2 });
      expect((await instance(stuckId))!.history.at(-1)).toMatchObject({
        event: 'failed',
        step: 2,
        detail: { code: 'already_shipped' },
      });
      expect(commandsOf(stuck)).not.toContain('orderingapi.RejectOrder');
      expect(await bed.broker.deadLetters.list('saga-cosec-CreateOrder')).toEqual([]);
    });

    it('handles a reply delivered twice once, and records a copy under another id as ignored', async () => {
      const data = newOrder();
      const sagaId = await begin(data);
      await bed.until(sagaId, 'completed');
      const first = replies.items.find((r) => r.key === data.customerId)!;
      const copy = { ...first, id: randomUUID() };
      await bed.broker.publish([first]);
      await bed.broker.publish([copy]);
      await bed.until(sagaId, 'ignored');
      const history = (await instance(sagaId))!.history;
      expect(history.filter((h) => h.event === 'replied')).toHaveLength(5);
      expect(history.at(-1)).toMatchObject({
        event: 'ignored',
        step: 5,
        detail: { messageId: copy.id, reason: 'saga is completed' },
      });
      expect(commandsOf(data)).toHaveLength(5);
      expect((await instance(sagaId))!.version).toBe(6);
    });

    it('a new coordinator on the same database takes over in the middle and completes once', async () => {
      const data = newOrder();
      payments.set(data.paymentId, 'hold');
      const sagaId = await begin(data);
      await received.until((all) => all.some((c) => c.key === data.paymentId));
      await coordinator.stop();
      const payment = received.items.find((c) => c.key === data.paymentId)!;
      await bed.broker.publish([paymentReply(payment, true)]);
      coordinator = await startCoordinator();
      await bed.until(sagaId, 'completed');
      expect(commandsOf(data)).toEqual(HAPPY_PATH);
      expect((await events(sagaId)).filter((e) => e === 'completed')).toHaveLength(1);
    });

    it('a step whose reply does not come in time fails and compensates; the late reply is ignored', async () => {
      const data = newOrder();
      payments.set(data.paymentId, 'hold');
      const sagaId = await begin(data);
      await received.until((all) => all.some((c) => c.key === data.paymentId));
      expect(await bed.deadlines.pending()).toHaveLength(1);
      bed.clock.advance(PAYMENT_TIMEOUT_MS);
      await bed.until(sagaId, 'compensated');
      expect(commandsOf(data).slice(3)).toEqual(['depotapi.CancelShoppingList', 'orderingapi.RejectOrder']);
      expect(await events(sagaId)).toContain('timed_out');
      await bed.broker.publish([paymentReply(received.items.find((c) => c.key === data.paymentId)!, true)]);
      await bed.until(sagaId, 'ignored');
      expect((await instance(sagaId))!.status).toBe('compensated');
    });

    it('lists instances by saga and status, a page at a time, and shows one with its history', async () => {
      const refused = newOrder();
      refusedCustomers.add(refused.customerId);
      const sagaId = await begin(refused);
      await bed.until(sagaId, 'compensated');
      const list = await http.inject({
        method: 'GET',
        url: `/admin/sagas?saga=${saga.name}&status=compensated&limit=1`,
      });
      expect(list.statusCode, list.body).toBe(200);
      const page = list.json<{ instances: Array<{ id: string; status: string }>; next?: string }>();
      expect(page.instances).toEqual([
        expect.objectContaining({ id: sagaId, status: 'compensated', saga: saga.name }),
      ]);
      expect(page.next).toBeDefined();
      const rest = (
        await http.inject({
          method: 'GET',
          url: `/admin/sagas?saga=${saga.name}&status=compensated&after=${page.next}`,
        })
      ).json<typeof page>();
      expect(rest.instances.map((i) => i.id)).not.toContain(sagaId);
      expect(rest.instances.every((i) => i.status === 'compensated')).toBe(true);

      const one = await http.inject({ method: 'GET', url: `/admin/sagas/${saga.name}/${sagaId}` });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({
        instance: {
          status: 'compensated',
          data: refused,
          history: [
            { event: 'started' },
            { event: 'sent', step: 1 },
            { event: 'replied', step: 1, detail: { ok: false, code: 'customer_unauthorized' } },
            { event: 'compensating', step: 1 },
            { event: 'sent', step: 0, detail: { command: 'orderingapi.RejectOrder', compensation: true } },
            { event: 'replied', step: 0 },
            { event: 'compensated' },
          ],
        },
      });
      expectProblem(await http.inject({ method: 'GET', url: `/admin/sagas/${saga.name}/nope` }), 404, {
        code: 'saga_not_found',
      });
      expectProblem(await http.inject({ method: 'GET', url: '/admin/sagas?status=lost' }), 400, {
        field: 'querystring.status',
      });
      expectProblem(await http.inject({ method: 'GET', url: '/admin/sagas?after=garbage' }), 400, {
        code: 'bad_cursor',
      });
    });
  },
);
