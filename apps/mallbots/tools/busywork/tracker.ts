import type { RestApi } from './api.js';
import { currentStatus, type OrderHistory, TERMINAL } from './invariants.js';

const isOpen = (order: OrderHistory) => !(TERMINAL as readonly string[]).includes(currentStatus(order) ?? '');

/** Runs `work` over the items, at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The orders the clients made, followed through `GET /api/ordering/{id}` (each status is recorded when first
 * seen, so latencies are as fine as the polling), and read once more at the end with their invoice and payment.
 */
export class OrderTracker {
  readonly orders = new Map<string, OrderHistory>();
  constructor(
    private readonly api: RestApi,
    private readonly now: () => number,
  ) {}

  add(orderId: string, paymentId: string, checkedOutAt: number) {
    this.orders.set(orderId, { orderId, paymentId, checkedOutAt, seen: [], payCalls: 0 });
  }

  open = () => [...this.orders.values()].filter(isOpen);

  /** How many orders are in each current status ('unseen': checked out, not yet in Ordering). */
  byState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const order of this.orders.values()) {
      const status = currentStatus(order) ?? 'unseen';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  }

  private async read(order: OrderHistory) {
    const answer = await this.api
      .call<{ order: { status: string; total: number } }>(
        'followOrder',
        'GET',
        `/api/ordering/${order.orderId}`,
        undefined,
        [200, 404],
      )
      .catch(() => undefined);
    if (answer?.status !== 200) return;
    const { status, total } = answer.body.order;
    order.totalCents = Math.round(total * 100);
    if (currentStatus(order) !== status) order.seen.push({ status, at: this.now() });
  }

  /** Reads every open order once. */
  poll = () => eachLimited(this.open(), 16, (order) => this.read(order));

  /** The last read of every order, and of its invoice and payment, for the invariants. */
  async readAll() {
    await eachLimited([...this.orders.values()], 8, async (order) => {
      await this.read(order);
      const invoice = await this.api
        .call<{ invoice: { status: string; amountCents: number } }>(
          'readInvoice',
          'GET',
          `/api/payments/invoices/${order.orderId}`,
          undefined,
          [200, 404],
        )
        .catch(() => undefined);
      if (invoice) order.invoice = invoice.status === 200 ? invoice.body.invoice : null;
      const payment = await this.api
        .call<{ payment: { amountCents: number; confirmed: boolean; voided: boolean } }>(
          'readPayment',
          'GET',
          `/api/payments/${order.paymentId}`,
          undefined,
          [200, 404],
        )
        .catch(() => undefined);
      if (payment) order.payment = payment.status === 200 ? payment.body.payment : null;
    });
  }
}
