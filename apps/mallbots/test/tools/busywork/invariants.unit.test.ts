import { describe, expect, it } from 'vitest';
import { checkInvariants, type OrderHistory } from '../../../tools/busywork/invariants.js';

const history = (statuses: string[], overrides: Partial<OrderHistory> = {}): OrderHistory => ({
  orderId: overrides.orderId ?? 'o1',
  paymentId: overrides.paymentId ?? `p-${overrides.orderId ?? 'o1'}`,
  checkedOutAt: 0,
  seen: statuses.map((status, index) => ({ status, at: (index + 1) * 100 })),
  totalCents: 1_234,
  payCalls: 0,
  ...overrides,
});

const paidAndCompleted = (overrides: Partial<OrderHistory> = {}) =>
  history(['pending', 'approved', 'ready', 'completed'], {
    payCalls: 1,
    invoice: { status: 'paid', amountCents: 1_234 },
    payment: { amountCents: 1_500, confirmed: true, voided: false },
    ...overrides,
  });

describe('the invariant checker', () => {
  it('accepts orders that ended once: completed and paid once, rejected, canceled and unpaid', () => {
    expect(
      checkInvariants([
        paidAndCompleted(),
        history(['pending', 'rejected'], {
          orderId: 'o2',
          payment: { amountCents: 1, confirmed: false, voided: false },
        }),
        history(['approved', 'ready', 'canceled'], {
          orderId: 'o3',
          invoice: { status: 'canceled', amountCents: 1_234 },
        }),
      ]),
    ).toEqual([]);
  });

  it('leaves open orders to the drain (they are not violations here)', () => {
    expect(checkInvariants([history(['pending', 'approved'])])).toEqual([]);
  });

  it('finds a double payment: the invoice paid twice', () => {
    expect(checkInvariants([paidAndCompleted({ payCalls: 2 })])).toEqual([
      { orderId: 'o1', problem: 'its invoice was paid 2 times' },
    ]);
  });

  it('finds one payment serving two orders', () => {
    const violations = checkInvariants([
      paidAndCompleted({ orderId: 'a', paymentId: 'shared' }),
      paidAndCompleted({ orderId: 'b', paymentId: 'shared' }),
    ]);
    expect(violations).toEqual([
      { orderId: 'a', problem: 'payment shared is used by 2 orders' },
      { orderId: 'b', problem: 'payment shared is used by 2 orders' },
    ]);
  });

  it('finds an order in two terminal states', () => {
    const violations = checkInvariants([
      paidAndCompleted({
        seen: [
          { status: 'ready', at: 1 },
          { status: 'completed', at: 2 },
          { status: 'canceled', at: 3 },
        ],
      }),
    ]);
    expect(violations.map((v) => v.problem)).toContain('ended in 2 terminal states: completed, canceled');
    expect(violations.map((v) => v.problem)).toContain('completed, canceled but paid');
  });

  it('finds an order that left a terminal state', () => {
    const violations = checkInvariants([history(['pending', 'rejected', 'approved'])]);
    expect(violations).toEqual([{ orderId: 'o1', problem: 'was rejected and then approved' }]);
  });

  it('finds an approved order never paid, and one whose invoice is missing', () => {
    expect(
      checkInvariants([
        paidAndCompleted({ payCalls: 0, invoice: { status: 'pending', amountCents: 1_234 } }),
      ]),
    ).toEqual([
      { orderId: 'o1', problem: 'completed but its invoice is pending: never paid' },
      { orderId: 'o1', problem: 'its invoice was paid 0 times' },
    ]);
    expect(checkInvariants([paidAndCompleted({ invoice: null })]).map((v) => v.problem)).toEqual([
      'completed but its invoice is missing: never paid',
    ]);
  });

  it('finds an invoice for another amount than the order, and an unconfirmed or voided payment', () => {
    expect(checkInvariants([paidAndCompleted({ invoice: { status: 'paid', amountCents: 999 } })])).toEqual([
      { orderId: 'o1', problem: "invoice for 999 cents, the order's total is 1234" },
    ]);
    expect(
      checkInvariants([
        paidAndCompleted({ payment: { amountCents: 1_500, confirmed: false, voided: false } }),
      ]),
    ).toEqual([{ orderId: 'o1', problem: 'completed but its payment was never confirmed' }]);
    expect(
      checkInvariants([paidAndCompleted({ payment: { amountCents: 1_500, confirmed: true, voided: true } })]),
    ).toEqual([{ orderId: 'o1', problem: 'completed but its payment was voided' }]);
  });

  it('finds a canceled order that was paid', () => {
    expect(
      checkInvariants([
        history(['ready', 'canceled'], { payCalls: 1, invoice: { status: 'paid', amountCents: 1_234 } }),
      ]),
    ).toEqual([{ orderId: 'o1', problem: 'canceled but paid' }]);
  });
});
