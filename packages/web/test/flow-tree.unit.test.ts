import { describe, expect, it } from 'vitest';
import type { Flow, FlowMessage } from '../src/operations/admin-api.gen.js';
import { conversationOf, inCausalOrder, kindOf } from '../src/operations/flow-tree.js';

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
const message = (id: string, second: number, extra: Partial<FlowMessage> = {}): FlowMessage => ({
  id,
  type: `shop.${id}`,
  subject: 'shop.things',
  key: 'order-1',
  source: 'shop',
  correlationId: 'c1',
  sentAt: at(second),
  ...extra,
});
const flow = (messages: FlowMessage[], handlings: Flow['handlings'] = []): Flow => ({
  correlationId: 'c1',
  messages,
  handlings,
  truncated: false,
});

describe('a conversation put together from every process', () => {
  it('puts each message under the one whose handling sent it, siblings in the order sent', () => {
    // As two processes answer: the checkout's process, and the saga's (which sent the commands).
    const checkout = flow([
      message('CheckedOut', 1),
      message('OrderCreated', 2, { causationId: 'CheckedOut' }),
    ]);
    const saga = flow(
      [
        message('Authorize', 4, { causationId: 'OrderCreated', replyTo: 'saga.replies' }),
        message('Notify', 3, { causationId: 'OrderCreated' }),
        message('Success', 5, { type: 'reply.Success', causationId: 'Authorize' }),
      ],
      [
        { messageId: 'OrderCreated', group: 'saga-orders', outcome: 'handled', at: at(3) },
        { messageId: 'Authorize', group: 'customers', outcome: 'dead_lettered', at: at(6), reason: 'boom' },
      ],
    );
    const conversation = conversationOf('c1', [saga, checkout]);
    expect(inCausalOrder(conversation).map((m) => m.id)).toEqual([
      'CheckedOut',
      'OrderCreated',
      'Notify',
      'Authorize',
      'Success',
    ]);
    expect(conversation.roots).toHaveLength(1);
    const created = conversation.roots[0]!.children[0]!;
    expect(created.handlings.map((h) => h.group)).toEqual(['saga-orders']);
    expect(created.children.map((c) => c.kind)).toEqual(['event', 'command']);
    expect(created.children[1]!.handlings[0]).toMatchObject({ outcome: 'dead_lettered', reason: 'boom' });
    expect(conversation).toMatchObject({ startedAt: at(1), messages: 5, truncated: false, unmatched: [] });
  });

  it('shows a message twice told once, and keeps what nothing sent apart', () => {
    const one = flow([message('A', 1)], [{ messageId: 'A', group: 'g', outcome: 'handled', at: at(2) }]);
    const again = flow(
      [message('A', 1)],
      [
        { messageId: 'A', group: 'g', outcome: 'handled', at: at(2) },
        { messageId: 'Z', group: 'h', outcome: 'handled', at: at(3) },
      ],
    );
    const conversation = conversationOf('c1', [one, { ...again, truncated: true }]);
    expect(conversation.messages).toBe(1);
    expect(conversation.roots[0]!.handlings).toHaveLength(1);
    expect(conversation.unmatched.map((h) => h.messageId)).toEqual(['Z']);
    expect(conversation.truncated).toBe(true);
  });

  it('makes a root of a message whose cause is unknown, and survives causes that loop', () => {
    const orphan = message('Late', 5, { causationId: 'pruned-long-ago' });
    const loop = [message('X', 2, { causationId: 'Y' }), message('Y', 3, { causationId: 'X' })];
    const conversation = conversationOf('c1', [flow([orphan, ...loop])]);
    expect(
      inCausalOrder(conversation)
        .map((m) => m.id)
        .sort(),
    ).toEqual(['Late', 'X', 'Y']);
    expect(conversation.roots.map((root) => root.message.id)).toContain('Late');
  });

  it('links each trace its messages were sent in, the first sent’s first, only where a trace UI is known', () => {
    const [checkout, deadline] = ['a'.repeat(32), 'b'.repeat(32)];
    const messages = [
      message('Fired', 9, { causationId: 'CheckedOut', traceId: deadline }),
      message('CheckedOut', 1, { traceId: checkout }),
      message('OrderCreated', 2, { causationId: 'CheckedOut', traceId: checkout }),
      message('Untraced', 3, { causationId: 'CheckedOut' }),
    ];
    expect(conversationOf('c1', [flow(messages)]).traces).toEqual([]);
    const tracesUrl = 'http://localhost:8081/trace/{traceId}';
    // One process names the trace UI, another does not: the one that does is enough.
    const conversation = conversationOf('c1', [flow(messages.slice(0, 2)), { ...flow(messages), tracesUrl }]);
    expect(conversation.traces).toEqual([
      { traceId: checkout, url: `http://localhost:8081/trace/${checkout}` },
      { traceId: deadline, url: `http://localhost:8081/trace/${deadline}` },
    ]);
  });

  it('names what a message is: a command has a reply channel, a reply is reply.*, a timeout is the saga’s', () => {
    expect(kindOf({ type: 'ordersapi.OrderCreated' })).toBe('event');
    expect(kindOf({ type: 'customersapi.AuthorizeCustomer', replyTo: 'r' })).toBe('command');
    expect(kindOf({ type: 'reply.Failure' })).toBe('reply');
    expect(kindOf({ type: 'sagas.StepTimedOut' })).toBe('timeout');
  });
});
