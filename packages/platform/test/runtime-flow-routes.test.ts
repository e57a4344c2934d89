import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@tessera/platform/messaging';
import {
  eventually,
  expectProblem,
  startTestHost,
  type TestHost,
  testSetups,
} from '@tessera/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

interface FlowAnswer {
  flow: {
    correlationId: string;
    messages: Array<{
      id: string;
      type: string;
      key: string;
      causationId?: string;
      sentAt: string;
      traceId?: string;
    }>;
    handlings: Array<{ messageId: string; group: string; outcome: string; at: string }>;
    truncated: boolean;
    tracesUrl?: string;
  };
}

const TRACES_URL = 'http://traces.test/trace/{traceId}';
const traceId = () => randomUUID().replaceAll('-', '');
const traceparentIn = (trace: string) => `00-${trace}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`;

describe.each(testSetups)('the message flow routes: $broker broker on $backend.backend', (setup) => {
  let api: TestHost;

  beforeEach(async () => {
    api = await startTestHost(setup.backend, [], { broker: setup.broker, tracesUrl: TRACES_URL });
    const { broker } = api.host;
    // A module that answers each order with a command, in its handling: caused by the order.
    await broker.subscribe({
      group: 'flow-manager',
      subjects: ['test.flow.orders'],
      handle: async (message) =>
        broker.publish([
          newEnvelope('manager', {
            type: 'participant.Reserve',
            subject: 'test.flow.commands',
            key: message.key,
            data: {},
          }),
        ]),
    });
  });
  afterEach(async () => {
    await api.close();
  });

  const flowOf = (correlationId: string) =>
    api.call('GET', `/admin/messaging/flow?correlationId=${encodeURIComponent(correlationId)}`);

  it("answers one conversation's messages and handlings, and an order's conversations by its key", async () => {
    const orderId = randomUUID();
    const correlationId = `checkout:${randomUUID()}`;
    await api.host.broker.publish([
      newEnvelope(
        'orders',
        { type: 'orders.OrderPlaced', subject: 'test.flow.orders', key: orderId, data: {} },
        { correlationId },
      ),
    ]);
    const answer = await eventually(
      'the order is handled',
      async () => (await flowOf(correlationId)).json<FlowAnswer>(),
      ({ flow }) => flow.handlings.length === 1 && flow.messages.length === 2,
    );
    const [order, command] = answer.flow.messages;
    expect(order).toMatchObject({ type: 'orders.OrderPlaced', key: orderId });
    expect(command).toMatchObject({ type: 'participant.Reserve', causationId: order!.id });
    expect(answer.flow.handlings).toEqual([
      { messageId: order!.id, group: 'flow-manager', outcome: 'handled', at: expect.stringMatching(/Z$/) },
    ]);
    expect(answer.flow.truncated).toBe(false);
    expect(answer.flow.tracesUrl).toBe(TRACES_URL);

    const limited = await api.call(
      'GET',
      `/admin/messaging/flow?correlationId=${encodeURIComponent(correlationId)}&limit=1`,
    );
    expect(limited.json<FlowAnswer>().flow).toMatchObject({ truncated: true, messages: [{ id: order!.id }] });

    const conversations = await api.call('GET', `/admin/messaging/conversations?key=${orderId}`);
    expect(conversations.statusCode).toBe(200);
    expect(conversations.json()).toEqual({
      conversations: [{ correlationId, firstAt: expect.any(String), lastAt: expect.any(String) }],
    });
    const none = await api.call('GET', `/admin/messaging/conversations?key=${randomUUID()}`);
    expect(none.json()).toEqual({ conversations: [] });
    expect((await flowOf('nobody-said-this')).json()).toEqual({
      flow: {
        correlationId: 'nobody-said-this',
        messages: [],
        handlings: [],
        truncated: false,
        tracesUrl: TRACES_URL,
      },
    });
  });

  it('answers the trace each message was sent in: the handling that sent the command is in the order’s', async () => {
    const trace = traceId();
    const correlationId = `checkout:${randomUUID()}`;
    await api.host.broker.publish([
      newEnvelope(
        'orders',
        { type: 'orders.OrderPlaced', subject: 'test.flow.orders', key: randomUUID(), data: {} },
        { correlationId, traceparent: traceparentIn(trace) },
      ),
    ]);
    const { flow } = await eventually(
      'the order is handled',
      async () => (await flowOf(correlationId)).json<FlowAnswer>(),
      ({ flow }) => flow.messages.length === 2,
    );
    expect(flow.messages.map((message) => [message.type, message.traceId])).toEqual([
      ['orders.OrderPlaced', trace],
      ['participant.Reserve', trace],
    ]);

    // Sent outside any trace (no active span, none given): no id, rather than one that opens nothing.
    const untraced = `checkout:${randomUUID()}`;
    const outside = newEnvelope(
      'orders',
      { type: 'orders.Noted', subject: 'test.flow.notes', key: randomUUID(), data: {} },
      { correlationId: untraced },
    );
    expect(outside.traceparent).toBeUndefined();
    await api.host.broker.publish([outside]);
    const [noted] = (await flowOf(untraced)).json<FlowAnswer>().flow.messages;
    expect(noted).toMatchObject({ type: 'orders.Noted' });
    expect(noted).not.toHaveProperty('traceId');
  });

  it('answers bad input with problem+json naming the field, and only operators', async () => {
    expectProblem(await api.call('GET', '/admin/messaging/conversations'), 400, { field: 'querystring.key' });
    expectProblem(await api.call('GET', '/admin/messaging/conversations?key='), 400, {
      field: 'querystring.key',
    });
    expectProblem(await api.call('GET', `/admin/messaging/conversations?key=${'k'.repeat(201)}`), 400, {
      field: 'querystring.key',
    });
    expectProblem(await api.call('GET', '/admin/messaging/conversations?key=k&limit=0'), 400, {
      field: 'querystring.limit',
    });
    expectProblem(await flowOf('x'.repeat(201)), 400, { field: 'querystring.correlationId' });
    expectProblem(await api.call('GET', '/admin/messaging/flow'), 400, {
      field: 'querystring.correlationId',
    });
    expectProblem(await api.call('GET', '/admin/messaging/flow?correlationId=c&limit=many'), 400, {
      field: 'querystring.limit',
    });
    expectProblem(await api.call('GET', '/admin/messaging/flow?correlationId=c&colour=red'), 400, {
      code: 'invalid_request',
    });
    for (const path of ['/admin/messaging/flow?correlationId=c', '/admin/messaging/conversations?key=k']) {
      expect((await api.as('anonymous').call('GET', path)).statusCode).toBe(401);
      const customer = api.as({ subject: 'someone', roles: ['customer'] });
      expect((await customer.call('GET', path)).statusCode).toBe(403);
    }
  });
});
