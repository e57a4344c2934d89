import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, startTelemetry, type Telemetry } from '@tessera/platform/observability';
import {
  eventually,
  postgresTestDatabase,
  type SpanTree,
  spanTree,
  startTestHost,
  type TestHost,
  traceIdOf,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { checkOut, mallbotsClient, SAGA, stockedMall } from '../cosec/support.js';

const HOST_START_MS = 60_000;
const CHECKOUT_ROUTE = 'PUT /api/baskets/:id/checkout';

const attribute = (span: ReadableSpan, name: string) => span.attributes[name] as string | undefined;
const handles = (span: ReadableSpan, type: string, group?: string) =>
  span.kind === SpanKind.CONSUMER &&
  span.name === `process ${type}` &&
  (group === undefined || attribute(span, 'messaging.consumer.group.name') === group);

/**
 * The way an approved order goes, each handling caused by the one before: from the checkout request to the
 * saga's last reply, as [message type, consumer group].
 */
const APPROVAL: ReadonlyArray<readonly [string, string]> = [
  ['basketsapi.BasketCheckedOut', 'ordering-baskets'],
  ['ordersapi.OrderCreated', 'cosec-orders'],
  ['customersapi.AuthorizeCustomer', 'customers-commands'],
  ['reply.Success', 'saga-cosec-CreateOrder'],
  ['depotapi.CreateShoppingList', 'depot-commands'],
  ['reply.Success', 'saga-cosec-CreateOrder'],
  ['paymentsapi.ConfirmPayment', 'payments-commands'],
  ['reply.Success', 'saga-cosec-CreateOrder'],
  ['depotapi.InitiateShopping', 'depot-commands'],
  ['reply.Success', 'saga-cosec-CreateOrder'],
  ['ordersapi.ApproveOrder', 'ordering-commands'],
  ['reply.Success', 'saga-cosec-CreateOrder'],
];

/** The consumer groups of a module: its own (`<module>-…`), and its sagas' (`saga-<module>-…`). */
const groupIsOf = (group: string, module: string) =>
  group.startsWith(`${module}-`) || group.startsWith(`saga-${module}-`);

// One process, every module (as `npm start` runs them), spans kept in memory: the host's http and pg are
// loaded before telemetry starts in a vitest worker (ADR 0045), so what is checked here is the platform's
// own spans (HTTP server, consumers, ports); the process test checks the instrumented whole over OTLP.
describe('one checkout on the one-process MallBots is one trace', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let api: TestHost;
  let orderId: string;
  let tree: SpanTree;
  let checkout: ReadableSpan;
  let trace: ReadableSpan[];

  beforeAll(async () => {
    telemetry = startTelemetry({ spanExporter: exporter });
    api = await startTestHost(postgresTestDatabase, mallbots.modules, { broker: 'embedded' });
    const mall = mallbotsClient(api.call);
    const { arm, wheel } = await stockedMall(mall);
    const customerId = await mall.registerCustomer();
    ({ basketId: orderId } = await checkOut(mall, customerId, [
      [arm, 1],
      [wheel, 2],
    ]));
    expect((await mall.settledOrder(orderId)).status).toBe('approved');
    // Until the saga has heard the approval, and the customer's text has gone out.
    const finished = async () => {
      await telemetry.flush();
      return exporter.getFinishedSpans();
    };
    const spans = await eventually(
      'the saga heard the last reply and the SMS was sent',
      finished,
      (all) =>
        all.some(
          (span) =>
            handles(span, 'reply.Success') && attribute(span, 'tessera.message.source') === 'ordering',
        ) && all.some((span) => span.name === 'sms send'),
    );
    tree = spanTree(spans);
    checkout = spans.find(
      (span) => span.name === CHECKOUT_ROUTE && attribute(span, 'url.path')?.includes(orderId),
    )!;
    expect(checkout, 'the checkout request made a span').toBeDefined();
    trace = tree.inTrace(traceIdOf(checkout));
  }, HOST_START_MS);

  afterAll(async () => {
    await api?.close();
    await telemetry?.shutdown();
  });

  it("starts at the kiosk's checkout request, a server span of its own trace", () => {
    expect(checkout.kind).toBe(SpanKind.SERVER);
    expect(tree.parentOf(checkout)).toBeUndefined();
    expect(checkout.parentSpanContext).toBeUndefined();
    expect(attribute(checkout, 'http.route')).toBe('/api/baskets/:id/checkout');
  });

  it('holds the handlings of Baskets, Ordering, the saga, Customers, Depot, Payments, Notifications and Search', () => {
    const consumers = trace.filter((span) => span.kind === SpanKind.CONSUMER);
    const sources = new Set(consumers.map((span) => attribute(span, 'tessera.message.source')));
    expect([...sources].sort()).toEqual(['baskets', 'cosec', 'customers', 'depot', 'ordering', 'payments']);
    const groups = consumers.map((span) => attribute(span, 'messaging.consumer.group.name')!);
    for (const module of ['ordering', 'cosec', 'customers', 'depot', 'payments', 'notifications', 'search'])
      expect(
        groups.some((group) => groupIsOf(group, module)),
        `a handling of ${module}`,
      ).toBe(true);
    for (const span of consumers) {
      expect(attribute(span, 'messaging.message.id')).toBeTruthy();
      expect(attribute(span, 'messaging.destination.name')).toMatch(/^mallbots\./);
    }
  });

  it("makes every handling a child of its message's producer, back to the checkout request", () => {
    for (const span of trace.filter((each) => each.kind === SpanKind.CONSUMER)) {
      const source = attribute(span, 'tessera.message.source')!;
      const producer = tree.handlingAbove(span);
      expect(producer, `the producer of ${span.name}`).toBeDefined();
      // Baskets publishes from the checkout request itself; every other module from a handling of its own.
      if (source === 'baskets') expect(producer).toBe(checkout);
      else
        expect(
          groupIsOf(attribute(producer!, 'messaging.consumer.group.name') ?? '', source),
          `${span.name} (${attribute(span, 'messaging.consumer.group.name')}) under ${producer!.name}`,
        ).toBe(true);
      expect(tree.ancestorsOf(span)).toContain(checkout);
    }
  });

  it('follows the approval step by step: each handling caused by the one before', () => {
    const last = trace.find(
      (span) => handles(span, 'reply.Success') && attribute(span, 'tessera.message.source') === 'ordering',
    )!;
    const path = [last, ...tree.ancestorsOf(last)]
      .filter((span) => span.kind === SpanKind.CONSUMER)
      .reverse()
      .map((span) => [span.name.slice('process '.length), attribute(span, 'messaging.consumer.group.name')]);
    expect(path).toEqual(APPROVAL);
  });

  it("texts the customer in the order's trace, as a client call to the SMS provider with no number in it", () => {
    const sms = trace.filter((span) => span.name === 'sms send');
    expect(sms).toHaveLength(1);
    expect(sms[0]!.kind).toBe(SpanKind.CLIENT);
    expect(sms[0]!.attributes['peer.service']).toBe('sms-provider');
    // Sent later, by the dispatcher: in the trace of the handling that queued it.
    expect(tree.handlingAbove(sms[0]!)).toSatisfy((span: ReadableSpan) =>
      handles(span, 'ordersapi.OrderCreated', 'notifications-orders'),
    );
    const recorded = JSON.stringify(trace.map((span) => [span.attributes, span.events]));
    expect(recorded).not.toContain('5551234567');
    expect(recorded).not.toContain('Ada');
  });

  it("leaves nothing of the order in another trace: the others are the test's reads, or work of no order", () => {
    const conversation = attribute(
      trace.find((span) => handles(span, 'ordersapi.OrderCreated'))!,
      'messaging.message.conversation_id',
    );
    expect(conversation).toBeTruthy();
    // Pollers' batches (a relay's send, a projection's) are traces of their own, linked to the messages'
    // traces when they know them: nothing in them names the order.
    expect(tree.strays(checkout, traceIdOf(checkout), [orderId, conversation!])).toEqual([]);
  });

  // The saga's, the appends' and the embedded broker's spans (the brief's names): made by the platform's
  // sagas, event store and brokers (branch otel-spans), and failing until they land; they pass with it merged.
  it("has the saga's steps and replies in the trace, each command sent from its step", () => {
    const steps = [
      'authorizeCustomer',
      'createShoppingList',
      'confirmPayment',
      'initiateShopping',
      'approveOrder',
    ];
    const sagaSpans = trace.filter((span) => span.name.startsWith(`saga ${SAGA} `));
    for (const span of sagaSpans) {
      expect(span.kind).toBe(SpanKind.INTERNAL);
      expect(span.attributes).toMatchObject({ 'tessera.saga.name': SAGA, 'tessera.saga.id': orderId });
    }
    for (const step of steps) expect(sagaSpans.map((span) => span.name)).toContain(`saga ${SAGA} ${step}`);
    expect(sagaSpans.filter((span) => span.name === `saga ${SAGA} reply reply.Success`)).toHaveLength(5);
    const commands: ReadonlyArray<readonly [string, string]> = [
      ['customersapi.AuthorizeCustomer', 'authorizeCustomer'],
      ['depotapi.CreateShoppingList', 'createShoppingList'],
      ['paymentsapi.ConfirmPayment', 'confirmPayment'],
      ['depotapi.InitiateShopping', 'initiateShopping'],
      ['ordersapi.ApproveOrder', 'approveOrder'],
    ];
    for (const [type, step] of commands) {
      const handling = trace.find((span) => handles(span, type))!;
      expect(
        tree.ancestorsOf(handling).map((span) => span.name),
        `${type} sent from the step ${step}`,
      ).toContain(`saga ${SAGA} ${step}`);
    }
    expect(trace.some((span) => span.name.startsWith('append '))).toBe(true);
    // The embedded broker takes the messages in the handling's transaction: a send, in the trace or linked to it.
    expect(
      tree.spans.some(
        (span) =>
          span.kind === SpanKind.PRODUCER &&
          span.name.startsWith('send ') &&
          (traceIdOf(span) === traceIdOf(checkout) ||
            span.links.some((link) => link.context.traceId === traceIdOf(checkout))),
      ),
    ).toBe(true);
  });
});
