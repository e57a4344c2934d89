import type { OrderItem, StockAvailability } from './order.js';

/**
 * What a warehouse holds, by item name: an aggregate of its own, so an order never changes it in its own
 * transaction. It hears of orders by their events and catches up (AGG-T3).
 */
export class Stock implements StockAvailability {
  readonly #levels: Map<string, number>;

  constructor(levels: Readonly<Record<string, number>>) {
    this.#levels = new Map(Object.entries(levels));
  }

  InStock(name: string): number {
    return this.#levels.get(name) ?? 0;
  }

  /** An order was placed: its items are promised. */
  Take(items: readonly OrderItem[]): void {
    for (const item of items) this.#levels.set(item.name, this.InStock(item.name) - item.quantity);
  }

  /** An order was canceled: its items are back. */
  Return(items: readonly OrderItem[]): void {
    for (const item of items) this.#levels.set(item.name, this.InStock(item.name) + item.quantity);
  }
}
