import { describe, expect, it } from 'vitest';
import { InMemoryMessageBus } from '../../src/building-blocks/bus/message-bus.js';
import {
  type DomainEvent,
  EventIDFor,
  handlersFor,
  NewEvent,
} from '../../src/building-blocks/events/envelope.js';

describe('EDA-T1: the book’s event, a header and a body', () => {
  it('has a unique id, a timestamp and a source in its header, the state that changed in its body', () => {
    const now = new Date('2023-05-01T10:00:00Z');
    const a = NewEvent('coffee-shops', 'purchase.failed', { purchaseId: 'p1' }, { now });
    const b = NewEvent('coffee-shops', 'purchase.failed', { purchaseId: 'p1' }, { now });
    expect(a.header).toEqual({
      id: expect.any(String),
      timestamp: '2023-05-01T10:00:00.000Z',
      source: 'coffee-shops',
      type: 'purchase.failed',
    });
    expect(a.header.id).not.toBe(b.header.id);
    expect(a.body).toEqual({ purchaseId: 'p1' });
    expect(Object.isFrozen(a) && Object.isFrozen(a.header)).toBe(true);
  });

  it('names its type <context>.<event> and its source', () => {
    expect(NewEvent('identity', 'user.loggedIn', {}).header.type).toBe('user.loggedIn');
    expect(() => NewEvent('identity', 'loggedIn', {})).toThrow('<context>.<event>');
    expect(() => NewEvent(' ', 'user.loggedIn', {})).toThrow('names the system');
  });

  it('a subscriber handles the types it chose and ignores the others, without an error', async () => {
    const handled: string[] = [];
    const subscriber = handlersFor({
      'purchase.failed': async (event: DomainEvent<{ purchaseId: string }>) => {
        handled.push(event.body.purchaseId);
      },
    });
    expect(await subscriber(NewEvent('coffee-shops', 'purchase.failed', { purchaseId: 'p1' }))).toBe(
      'handled',
    );
    expect(await subscriber(NewEvent('identity', 'user.loggedIn', { userId: 'u1' }))).toBe('ignored');
    // A type that only looks like a handler on the object's prototype is unknown too.
    expect(await subscriber(NewEvent('x', 'x.toString', {}))).toBe('ignored');
    expect(handled).toEqual(['p1']);
  });
});

describe('EDA-T2: the id is stable across retries of one logical event', () => {
  it('derives the same id from the same cause, and different ids for different events of it', () => {
    expect(EventIDFor('purchase-1', 0)).toBe(EventIDFor('purchase-1', 0));
    expect(EventIDFor('purchase-1', 0)).not.toBe(EventIDFor('purchase-1', 1));
    expect(EventIDFor('purchase-1', 0)).not.toBe(EventIDFor('purchase-2', 0));
  });

  it('a publication retried after a failure carries the first attempt’s id, so the receiver keeps one', async () => {
    const bus = new InMemoryMessageBus('at-least-once');
    const processed = new Set<string>();
    let effects = 0;
    bus.subscribe('purchase.>', async (event) => {
      if (processed.has(event.header.id)) return;
      processed.add(event.header.id);
      effects++;
    });
    // The publisher sends, loses the answer (a timeout), and sends again: the same logical event.
    const publishPurchaseFailed = () =>
      bus.publish(
        'purchase.failed',
        NewEvent('coffee-shops', 'purchase.failed', { purchaseId: 'p1' }, { id: EventIDFor('p1', 0) }),
      );
    await publishPurchaseFailed();
    await publishPurchaseFailed();
    await bus.drain();
    expect(effects).toBe(1);
    expect([...processed]).toEqual(['p1/0']);
  });
});
