import { describe, expect, it } from 'vitest';
import { InMemoryMessageBus, matches } from '../../src/building-blocks/bus/message-bus.js';
import { type DomainEvent, NewEvent } from '../../src/building-blocks/events/envelope.js';

const event = (n: number) => NewEvent('coffee-shops', 'purchase.failed', { n }, { id: `e${n}` });
const bodies = (received: DomainEvent[]) => received.map((m) => (m.body as { n: number }).n);

describe('BUS-T2: NATS-style wildcards', () => {
  it('purchase.* matches purchase.failed but not purchase.card.failed; purchase.> matches both', () => {
    expect(matches('purchase.*', 'purchase.failed')).toBe(true);
    expect(matches('purchase.*', 'purchase.card.failed')).toBe(false);
    expect(matches('purchase.>', 'purchase.failed')).toBe(true);
    expect(matches('purchase.>', 'purchase.card.failed')).toBe(true);
  });

  it('a wildcard stands for one token or more, never for none, and never for another prefix', () => {
    expect(matches('purchase.*', 'purchase')).toBe(false);
    expect(matches('purchase.>', 'purchase')).toBe(false);
    expect(matches('*.failed', 'purchase.failed')).toBe(true);
    expect(matches('*.failed', 'user.loggedIn')).toBe(false);
    expect(matches('purchase.*', 'purchases.failed')).toBe(false);
    expect(matches('>', 'user.loggedIn')).toBe(true);
    expect(matches('purchase.failed', 'purchase.failed')).toBe(true);
  });

  it('refuses a > that is not last', () => {
    expect(() => matches('purchase.>.failed', 'purchase.card.failed')).toThrow("'>' must be the last token");
    expect(() => new InMemoryMessageBus('at-most-once').subscribe('a.>.b', async () => {})).toThrow();
  });

  it('a subscription receives only what its pattern matches', async () => {
    const bus = new InMemoryMessageBus('at-least-once');
    const one: string[] = [];
    const all: string[] = [];
    bus.subscribe('purchase.*', async (m) => void one.push(m.header.id));
    bus.subscribe('purchase.>', async (m) => void all.push(m.header.id));
    await bus.publish('purchase.failed', event(1));
    await bus.publish('purchase.card.failed', event(2));
    await bus.publish('user.loggedIn', event(3));
    await bus.drain();
    expect(one).toEqual(['e1']);
    expect(all).toEqual(['e1', 'e2']);
  });
});

describe('BUS-T1: delivery guarantees', () => {
  it('at-most-once: a dropped message never arrives, and is never delivered again', async () => {
    const bus = new InMemoryMessageBus('at-most-once', { drop: (_topic, m) => m.header.id === 'e2' });
    const received: DomainEvent[] = [];
    bus.subscribe('purchase.>', async (m) => void received.push(m));
    for (const n of [1, 2, 3]) await bus.publish('purchase.failed', event(n));
    await bus.drain();
    await bus.drain();
    expect(bodies(received)).toEqual([1, 3]);
    expect(bus.pending()).toBe(0);
  });

  it('at-most-once: a handler that fails loses the message', async () => {
    const bus = new InMemoryMessageBus('at-most-once');
    let attempts = 0;
    bus.subscribe('purchase.>', async () => {
      attempts++;
      throw new Error('crashed');
    });
    await bus.publish('purchase.failed', event(1));
    expect(await bus.drain()).toBe(0);
    expect(attempts).toBe(1);
    expect(bus.pending()).toBe(0);
  });

  it('at-least-once: a message is delivered again until its handler acknowledges it', async () => {
    const bus = new InMemoryMessageBus('at-least-once');
    let attempts = 0;
    bus.subscribe('purchase.>', async () => {
      attempts++;
      if (attempts < 3) throw new Error('not yet');
    });
    await bus.publish('purchase.failed', event(1));
    expect(await bus.drain()).toBe(1);
    expect(attempts).toBe(3);
    expect(bus.pending()).toBe(0);
  });

  it('at-least-once: a handler that never succeeds keeps its message waiting', async () => {
    const bus = new InMemoryMessageBus('at-least-once');
    bus.subscribe('purchase.>', async () => {
      throw new Error('never');
    });
    await bus.publish('purchase.failed', event(1));
    expect(await bus.drain(3)).toBe(0);
    expect(bus.pending()).toBe(1);
  });

  it('at-least-once: duplicates and reordering on demand, so handlers must be idempotent', async () => {
    const bus = new InMemoryMessageBus('at-least-once', {
      duplicates: (_t, m) => (m.header.id === 'e1' ? 2 : 0),
    });
    const received: DomainEvent[] = [];
    const seen = new Set<string>();
    const effects: number[] = [];
    bus.subscribe('purchase.>', async (m) => {
      received.push(m);
      if (seen.has(m.header.id)) return;
      seen.add(m.header.id);
      effects.push((m.body as { n: number }).n);
    });
    await bus.publish('purchase.failed', event(1));
    await bus.publish('purchase.failed', event(2));
    bus.reorder();
    await bus.drain();
    expect(bodies(received)).toEqual([2, 1, 1, 1]);
    expect(effects).toEqual([2, 1]);
  });

  it('an unsubscribed handler receives nothing more', async () => {
    const bus = new InMemoryMessageBus('at-least-once');
    const received: DomainEvent[] = [];
    const unsubscribe = bus.subscribe('purchase.>', async (m) => void received.push(m));
    unsubscribe();
    await bus.publish('purchase.failed', event(1));
    await bus.drain();
    expect(received).toEqual([]);
  });
});
