import { describe, expect, expectTypeOf, it } from 'vitest';
import { CreateOrder, type Order, type OrderEvent } from '../../src/building-blocks/aggregates/order.js';
import { Stock } from '../../src/building-blocks/aggregates/stock.js';
import { Wallet, type WalletItem } from '../../src/building-blocks/aggregates/wallet.js';
import { InMemoryMessageBus } from '../../src/building-blocks/bus/message-bus.js';
import { type DomainEvent, NewEvent } from '../../src/building-blocks/events/envelope.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';

const usd = (cents: number) => Money.New(cents, 'USD');

const order = (stock = new Stock({ latte: 5, croissant: 2 })) =>
  CreateOrder(
    {
      customerID: crypto.randomUUID(),
      paymentCardID: crypto.randomUUID(),
      items: [
        { name: 'latte', quantity: 2, price: usd(350) },
        { name: 'croissant', quantity: 1, price: usd(275) },
      ],
      taxAmount: usd(98),
      discount: usd(100),
    },
    stock,
  );

describe('AGG-T1: an order holds what ordering needs, and no marketing opt-in', () => {
  it('has items, tax, discount, payment card and customer, and no marketingOptIn (a type-level check)', () => {
    expectTypeOf<Order>().not.toHaveProperty('marketingOptIn');
    expectTypeOf<ReturnType<Order['Snapshot']>>().not.toHaveProperty('marketingOptIn');
    expectTypeOf<ReturnType<Order['Snapshot']>>().toHaveProperty('items');
    expectTypeOf<ReturnType<Order['Snapshot']>>().toHaveProperty('taxAmount');
    expectTypeOf<ReturnType<Order['Snapshot']>>().toHaveProperty('discount');
    expectTypeOf<ReturnType<Order['Snapshot']>>().toHaveProperty('paymentCardID');
    expectTypeOf<ReturnType<Order['Snapshot']>>().toHaveProperty('customerID');
    // @ts-expect-error the order cannot be asked about marketing: it is another context's business
    order().marketingOptIn;
    expect(Object.keys(order().Snapshot())).not.toContain('marketingOptIn');
  });

  it('completes although the customer opted out of marketing between starting and completing it', async () => {
    // Marketing's own record, in its own context: the order never reads it.
    const marketing = new Map<string, boolean>();
    const placed = order();
    marketing.set(placed.CustomerID(), true);
    marketing.set(placed.CustomerID(), false);
    placed.Complete();
    expect(placed.Status()).toBe('completed');
  });
});

describe('AGG-T3: one aggregate per change; the others follow from its events', () => {
  it('cancelling emits the events that return the items to stock and refund the customer', () => {
    const placed = order();
    placed.Cancel();
    const events = placed.Events();
    expect(events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCanceled', 'RefundRequested']);
    const canceled = events[1] as Extract<OrderEvent, { type: 'OrderCanceled' }>;
    expect(canceled.items.map((item) => [item.name, item.quantity])).toEqual([
      ['latte', 2],
      ['croissant', 1],
    ]);
    const refund = events[2] as Extract<OrderEvent, { type: 'RefundRequested' }>;
    // 2 × 3.50 + 2.75 + 0.98 tax − 1.00 discount
    expect(refund.amount.equals(usd(973))).toBe(true);
    expect(refund.paymentCardID).toBe(placed.PaymentCardID());
  });

  it('cancelling twice asks for nothing twice', () => {
    const placed = order();
    placed.Cancel();
    placed.Cancel();
    expect(placed.Events().filter((event) => event.type === 'RefundRequested')).toHaveLength(1);
  });

  it('stock changes only when it hears the events, not in the order’s change', async () => {
    const stock = new Stock({ latte: 5, croissant: 2 });
    const bus = new InMemoryMessageBus('at-least-once');
    bus.subscribe('orders.*', async (message: DomainEvent) => {
      const event = message.body as OrderEvent;
      if (event.type === 'OrderPlaced') stock.Take(event.items);
      if (event.type === 'OrderCanceled') stock.Return(event.items);
    });
    const placed = order(stock);
    placed.Cancel();
    expect(stock.InStock('latte')).toBe(5);
    for (const [index, event] of placed.Events().entries()) {
      await bus.publish(
        `orders.${event.type}`,
        NewEvent('orders', `orders.${event.type}`, event, { id: `${placed.ID()}/${index}` }),
      );
    }
    expect(stock.InStock('latte')).toBe(5);
    await bus.drain();
    // Taken when placed, returned when canceled.
    expect([stock.InStock('latte'), stock.InStock('croissant')]).toEqual([5, 2]);
  });

  it('a completed order cannot be canceled, nor a canceled one completed', () => {
    const completed = order();
    completed.Complete();
    expect(() => completed.Cancel()).toThrow('a completed order cannot be canceled');
    const canceled = order();
    canceled.Cancel();
    expect(() => canceled.Complete()).toThrow('a canceled order cannot be completed');
  });
});

describe('AGG-T4: an order is created only for items in stock', () => {
  it('refuses an item stock does not have, or not enough of it, counting every line of the item', () => {
    const stock = new Stock({ latte: 2 });
    const input = (items: Array<[string, number]>) => ({
      customerID: crypto.randomUUID(),
      paymentCardID: crypto.randomUUID(),
      items: items.map(([name, quantity]) => ({ name, quantity, price: usd(350) })),
      taxAmount: usd(0),
      discount: usd(0),
    });
    expect(() => CreateOrder(input([['muffin', 1]]), stock)).toThrow(
      'muffin is not in stock: have 0, need 1',
    );
    expect(() =>
      CreateOrder(
        input([
          ['latte', 2],
          ['latte', 1],
        ]),
        stock,
      ),
    ).toThrow('latte is not in stock: have 2, need 3');
    expect(CreateOrder(input([['latte', 2]]), stock).Status()).toBe('placed');
  });

  it('refuses an empty order, a zero quantity, and a total in two currencies', () => {
    const stock = new Stock({ latte: 9 });
    const base = { customerID: crypto.randomUUID(), paymentCardID: crypto.randomUUID(), discount: usd(0) };
    expect(() => CreateOrder({ ...base, items: [], taxAmount: usd(0) }, stock)).toThrow('at least one item');
    expect(() =>
      CreateOrder(
        { ...base, items: [{ name: 'latte', quantity: 0, price: usd(1) }], taxAmount: usd(0) },
        stock,
      ),
    ).toThrow('at least 1');
    expect(() =>
      CreateOrder(
        { ...base, items: [{ name: 'latte', quantity: 1, price: Money.New(1, 'EUR') }], taxAmount: usd(0) },
        stock,
      ),
    ).toThrow("currencies don't match");
  });
});

describe('AGG-T5: the wallet’s balance', () => {
  const item = (balance: () => Money): WalletItem => ({ GetBalance: balance });
  const wallet = (...items: WalletItem[]) =>
    new Wallet(crypto.randomUUID(), crypto.randomUUID(), 'USD', items);

  it('sums its items', () => {
    const balance = wallet(
      item(() => usd(1000)),
      item(() => usd(250)),
      item(() => usd(5)),
    ).GetWalletBalance();
    expect(balance.equals(usd(1255))).toBe(true);
  });

  it('is zero when empty (the book starts from a nil pointer)', () => {
    expect(wallet().GetWalletBalance().equals(usd(0))).toBe(true);
  });

  it('says "failed to get balance" when an item cannot say its balance', () => {
    const broken = wallet(
      item(() => usd(1)),
      item(() => {
        throw new Error('issuer unreachable');
      }),
    );
    expect(() => broken.GetWalletBalance()).toThrow(new Error('failed to get balance'));
  });

  it('says "failed to increment balance" when an item is in another currency', () => {
    const mixed = wallet(
      item(() => usd(1)),
      item(() => Money.New(1, 'EUR')),
    );
    expect(() => mixed.GetWalletBalance()).toThrow(new Error('failed to increment balance'));
  });
});
