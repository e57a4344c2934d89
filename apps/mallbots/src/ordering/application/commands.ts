import type { AggregateStore } from '@tessera/platform/ddd';
import * as Order from '../domain/order.js';
import type { BasketCheckouts } from './ports.js';

export interface OrderingCommandDependencies {
  /** The orders' event store, which writes a save's integration messages in its transaction (the outbox). */
  readonly orders: AggregateStore<Order.State, Order.Event>;
  /** Baskets, asked about an order Ordering has not made yet (a cancel while it is being placed). */
  readonly checkouts: BasketCheckouts;
}

export interface CreateOrder extends Order.OrderToCreate {
  /** The checked-out basket's id: one basket makes one order, however often its checkout is delivered. */
  readonly id: string;
}

export interface OrderingCommands {
  /** Returns whether the order is new (false: the same order existed already, and nothing was recorded). */
  createOrder(input: CreateOrder): Promise<{ created: boolean }>;
  approveOrder(input: { id: string; shoppingListId: string }): Promise<void>;
  rejectOrder(input: { id: string; reason: string }): Promise<void>;
  /** The order's shopping is done; the lines the stores could not supply are not charged. */
  readyOrder(input: {
    id: string;
    shoppingListId?: string;
    unavailableItems: readonly Order.UnavailableLine[];
  }): Promise<void>;
  completeOrder(input: { id: string; invoiceId: string }): Promise<void>;
  /**
   * The customer's cancel (pending or approved), or the staff's with a reason (until ready); also of an order
   * being placed (its basket checked out, the order not made yet): it is made and canceled at once.
   */
  cancelOrder(input: { id: string; by: Order.CanceledBy; reason?: string }): Promise<void>;
}

/**
 * Each command loads its order, lets the domain decide, and appends the outcome and its integration messages
 * in one transaction (inside a message handling, the handling's: the inbox row, the events and the outgoing
 * messages commit together). Creating an order makes no call to other modules: the saga does that work.
 */
export function createOrderingCommands({ orders, checkouts }: OrderingCommandDependencies): OrderingCommands {
  return {
    async createOrder({ id, ...order }) {
      const saved = await orders.update(id, (state) => Order.create(state, order));
      return { created: saved.events.length > 0 };
    },
    async approveOrder({ id, shoppingListId }) {
      await orders.update(id, (state) => Order.approve(state, { shoppingListId }));
    },
    async rejectOrder({ id, reason }) {
      await orders.update(id, (state) => Order.reject(state, { reason }));
    },
    async readyOrder({ id, ...input }) {
      await orders.update(id, (state) => Order.ready(state, input));
    },
    async completeOrder({ id, invoiceId }) {
      await orders.update(id, (state) => Order.complete(state, { invoiceId }));
    },
    async cancelOrder({ id, ...input }) {
      // Baskets is asked before the order's transaction, and only about an order not made yet.
      const { state } = await orders.load(id);
      const checkout = state.status === 'unknown' ? await checkouts.findCheckout(id) : undefined;
      await orders.update(id, (current) =>
        checkout ? Order.cancelPlacing(current, { checkout, ...input }) : Order.cancel(current, input),
      );
    },
  };
}
