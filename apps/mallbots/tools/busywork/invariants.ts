/** The order states nothing follows. */
export const TERMINAL = ['completed', 'rejected', 'canceled'] as const;
export type TerminalState = (typeof TERMINAL)[number];
const isTerminal = (status: string): status is TerminalState =>
  (TERMINAL as readonly string[]).includes(status);

/** Everything the load generator saw of one order it made, as its clients saw it through the REST API. */
export interface OrderHistory {
  orderId: string;
  paymentId: string;
  /** When the checkout was accepted (ms, the run's clock). */
  checkedOutAt: number;
  /** Each status in the order it was first seen, with when. */
  seen: Array<{ status: string; at: number }>;
  /** The order's total in cents at its last read (the final total once ready: unavailable items are free). */
  totalCents?: number;
  /** Invoice pays the staff's calls accepted (204). */
  payCalls: number;
  /** Read after the run: undefined when not read, null when there is none. */
  invoice?: { status: string; amountCents: number } | null;
  payment?: { amountCents: number; confirmed: boolean; voided: boolean } | null;
}

export interface Violation {
  orderId: string;
  problem: string;
}

export const terminalStatesOf = (order: OrderHistory): TerminalState[] => [
  ...new Set(order.seen.map((entry) => entry.status).filter(isTerminal)),
];

export const currentStatus = (order: OrderHistory): string | undefined => order.seen.at(-1)?.status;

export const firstSeen = (order: OrderHistory, status: string): number | undefined =>
  order.seen.find((entry) => entry.status === status)?.at;

/**
 * The load generator's checks: every order ended in exactly one terminal state; every completed (so
 * approved, readied and picked up) order was paid exactly once, its invoice for the order's final total and
 * its payment confirmed; no canceled or rejected order was paid; no payment served two orders. Orders
 * still open are not violations here: the caller reports them (the drain timed out).
 */
export function checkInvariants(orders: readonly OrderHistory[]): Violation[] {
  const violations: Violation[] = [];
  const ordersOfPayment = new Map<string, string[]>();
  for (const order of orders) {
    const of = (problem: string) => violations.push({ orderId: order.orderId, problem });
    ordersOfPayment.set(order.paymentId, [...(ordersOfPayment.get(order.paymentId) ?? []), order.orderId]);
    const terminal = terminalStatesOf(order);
    if (terminal.length > 1) of(`ended in ${terminal.length} terminal states: ${terminal.join(', ')}`);
    const last = currentStatus(order);
    if (terminal.length > 0 && last !== undefined && !isTerminal(last))
      of(`was ${terminal.join(', ')} and then ${last}`);
    if (terminal.includes('completed')) {
      const invoice = order.invoice;
      if (invoice?.status !== 'paid')
        of(`completed but its invoice is ${invoice ? invoice.status : 'missing'}: never paid`);
      else if (order.totalCents !== undefined && invoice.amountCents !== order.totalCents)
        of(`invoice for ${invoice.amountCents} cents, the order's total is ${order.totalCents}`);
      if (order.payCalls !== 1) of(`its invoice was paid ${order.payCalls} times`);
      if (!order.payment?.confirmed) of('completed but its payment was never confirmed');
      else if (order.payment.voided) of('completed but its payment was voided');
    }
    if (terminal.includes('rejected') || terminal.includes('canceled')) {
      if (order.invoice?.status === 'paid' || order.payCalls > 0) of(`${terminal.join(', ')} but paid`);
    }
  }
  for (const [paymentId, orderIds] of ordersOfPayment) {
    if (orderIds.length > 1)
      for (const orderId of orderIds)
        violations.push({ orderId, problem: `payment ${paymentId} is used by ${orderIds.length} orders` });
  }
  return violations;
}
