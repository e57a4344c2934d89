import { Money } from '../value-objects/money.js';

/** One line of an order: what, how many, at what unit price. A value: it has no identity of its own. */
export interface OrderItem {
  readonly name: string;
  readonly quantity: number;
  readonly price: Money;
}

export type OrderStatus = 'placed' | 'completed' | 'canceled';

/**
 * What an order tells the rest of the system. Stock and payments are aggregates (and contexts) of their own,
 * so the order does not change them: it says what happened, and they catch up (AGG-7).
 */
export type OrderEvent =
  | { readonly type: 'OrderPlaced'; readonly orderID: string; readonly items: readonly OrderItem[] }
  | { readonly type: 'OrderCompleted'; readonly orderID: string }
  /** The items go back to stock. */
  | { readonly type: 'OrderCanceled'; readonly orderID: string; readonly items: readonly OrderItem[] }
  /** The customer gets back what they paid, on the card they paid with. */
  | {
      readonly type: 'RefundRequested';
      readonly orderID: string;
      readonly paymentCardID: string;
      readonly amount: Money;
    };

/** What stock says about an item now: the Stock aggregate, read (it is not changed by the order). */
export interface StockAvailability {
  InStock(name: string): number;
}

export interface OrderSnapshot {
  readonly id: string;
  readonly customerID: string;
  readonly paymentCardID: string;
  readonly items: readonly OrderItem[];
  readonly taxAmount: Money;
  readonly discount: Money;
  readonly status: OrderStatus;
  /** How many times it was saved: the repository's optimistic-concurrency token (0 before the first save). */
  readonly version: number;
}

/**
 * The book's order aggregate (AGG-0..7): an order and its items, loaded, changed and saved as one, in one
 * transaction. The order is its root: items are reached only through it. It holds the customer and the
 * payment card by identity only, and no `marketingOptIn`: marketing is another context's business, and a
 * customer opting out of marketing mid-order must never keep the order from completing (AGG-6).
 */
export class Order {
  readonly #id: string;
  readonly #customerID: string;
  readonly #paymentCardID: string;
  readonly #items: readonly OrderItem[];
  readonly #taxAmount: Money;
  readonly #discount: Money;
  readonly #version: number;
  #status: OrderStatus;
  readonly #events: OrderEvent[] = [];

  /** Callers use `CreateOrder` (a new order, its invariant checked) or `RestoreOrder` (a stored one). */
  constructor(snapshot: OrderSnapshot, events: readonly OrderEvent[] = []) {
    this.#id = snapshot.id;
    this.#customerID = snapshot.customerID;
    this.#paymentCardID = snapshot.paymentCardID;
    this.#items = Object.freeze([...snapshot.items]);
    this.#taxAmount = snapshot.taxAmount;
    this.#discount = snapshot.discount;
    this.#status = snapshot.status;
    this.#version = snapshot.version;
    this.#events.push(...events);
  }

  ID(): string {
    return this.#id;
  }
  CustomerID(): string {
    return this.#customerID;
  }
  PaymentCardID(): string {
    return this.#paymentCardID;
  }
  Items(): readonly OrderItem[] {
    return this.#items;
  }
  TaxAmount(): Money {
    return this.#taxAmount;
  }
  Discount(): Money {
    return this.#discount;
  }
  Status(): OrderStatus {
    return this.#status;
  }
  Version(): number {
    return this.#version;
  }

  /** What the customer pays: the items, plus tax, less the discount. */
  Total(): Money {
    const items = this.#items.reduce(
      (sum, item) => sum.Add(item.price.Multiply(item.quantity)),
      Money.Zero(this.#taxAmount.Currency()),
    );
    return items.Add(this.#taxAmount).Add(this.#discount.Multiply(-1));
  }

  /** The events of the changes made since it was created or loaded, oldest first (a query: it clears nothing). */
  Events(): readonly OrderEvent[] {
    return [...this.#events];
  }

  Complete(): void {
    if (this.#status === 'completed') return;
    if (this.#status === 'canceled') throw new Error('a canceled order cannot be completed');
    this.#status = 'completed';
    this.#events.push({ type: 'OrderCompleted', orderID: this.#id });
  }

  /**
   * "If an order is canceled, we should return all items within that order to stock. We may also want to
   * trigger a refund" (AGG-2): both are other aggregates' changes, so the order asks for them by events. A
   * second cancel changes nothing and asks for nothing again.
   */
  Cancel(): void {
    if (this.#status === 'canceled') return;
    if (this.#status === 'completed') throw new Error('a completed order cannot be canceled');
    this.#status = 'canceled';
    this.#events.push(
      { type: 'OrderCanceled', orderID: this.#id, items: this.#items },
      {
        type: 'RefundRequested',
        orderID: this.#id,
        paymentCardID: this.#paymentCardID,
        amount: this.Total(),
      },
    );
  }

  Snapshot(): OrderSnapshot {
    return {
      id: this.#id,
      customerID: this.#customerID,
      paymentCardID: this.#paymentCardID,
      items: this.#items,
      taxAmount: this.#taxAmount,
      discount: this.#discount,
      status: this.#status,
      version: this.#version,
    };
  }
}

/**
 * A new order, only if every item is in stock: "for an order to be created, we must have the item in stock"
 * (AGG-3). Stock is read here, not changed: it follows from `OrderPlaced`.
 */
export function CreateOrder(
  input: {
    customerID: string;
    paymentCardID: string;
    items: readonly OrderItem[];
    taxAmount: Money;
    discount: Money;
  },
  stock: StockAvailability,
): Order {
  if (input.items.length === 0) throw new Error('an order needs at least one item');
  const wanted = new Map<string, number>();
  for (const item of input.items) {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw new RangeError(`the quantity of ${item.name} must be a whole number of at least 1`);
    }
    wanted.set(item.name, (wanted.get(item.name) ?? 0) + item.quantity);
  }
  for (const [name, quantity] of wanted) {
    const have = stock.InStock(name);
    if (have < quantity) throw new Error(`${name} is not in stock: have ${have}, need ${quantity}`);
  }
  const id = crypto.randomUUID();
  const order = new Order({ ...input, id, status: 'placed', version: 0 }, [
    { type: 'OrderPlaced', orderID: id, items: input.items },
  ]);
  // The total must make sense in one currency: Total() throws "currencies don't match" otherwise.
  order.Total();
  return order;
}

/** An order as it was stored, without events: nothing has happened to it since. */
export const RestoreOrder = (snapshot: OrderSnapshot): Order => new Order(snapshot);
