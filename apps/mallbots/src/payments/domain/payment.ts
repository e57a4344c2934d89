import {
  type AggregateType,
  alreadyExists,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
} from '@tessera/platform/ddd';

/**
 * A payment authorized at the kiosk (the card swipe): an amount held for a customer, which the create-order
 * saga later confirms against the order's total. Amounts are whole cents (ADR 0006).
 */
export interface State {
  /** False until authorized: loading an id that has no row gives this empty state. */
  readonly exists: boolean;
  readonly customerId: string;
  readonly amountCents: number;
  readonly confirmed: boolean;
  /** The order it paid for, once confirmed: a payment pays for one order. */
  readonly orderId: string;
  /** The authorization was voided (its order canceled): the hold is released, it pays for nothing. */
  readonly voided: boolean;
}

export type Event =
  | DomainEvent<'payments.PaymentAuthorized', { customerId: string; amountCents: number }>
  | DomainEvent<'payments.PaymentConfirmed', { orderId: string; amountCents: number }>
  /** The order it paid for was rejected: the payment may pay for another one. */
  | DomainEvent<'payments.PaymentReleased', { orderId: string }>
  /** The order it was for was canceled: the authorization ends. */
  | DomainEvent<'payments.PaymentVoided', { orderId: string }>;

export const aggregate: AggregateType<State, Event> = {
  name: 'payments.Payment',
  initialState: {
    exists: false,
    customerId: '',
    amountCents: 0,
    confirmed: false,
    orderId: '',
    voided: false,
  },
  evolve(state, event) {
    switch (event.type) {
      case 'payments.PaymentAuthorized':
        return { exists: true, ...event.data, confirmed: false, orderId: '', voided: false };
      case 'payments.PaymentConfirmed':
        return { ...state, confirmed: true, orderId: event.data.orderId };
      case 'payments.PaymentReleased':
        return { ...state, confirmed: false, orderId: '' };
      case 'payments.PaymentVoided':
        // Unconfirmed too: it pays for nothing now, whichever of the void and a compensation's release came first.
        return { ...state, confirmed: false, voided: true, orderId: event.data.orderId };
    }
  },
};

export const paymentNotFound = () => notFound('payment_not_found', 'no payment with that ID');

/** Shown in reasons: the saga's operators read cents as money. */
const money = (cents: number) => (cents / 100).toFixed(2);

/** `registered`: whether Customers knows the customer, as it answered just before. */
export function authorize(
  state: State,
  input: { customerId: string; amountCents: number; registered: boolean },
): Event[] {
  if (state.exists) throw alreadyExists('payment_already_exists', 'a payment with that ID already exists');
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0) {
    throw invalidArgument(
      'payment_amount_not_positive',
      'the amount must be a positive whole number of cents',
      'amountCents',
    );
  }
  if (!input.registered) {
    throw invalidArgument('customer_not_registered', 'no customer is registered with that ID', 'customerId');
  }
  const { customerId, amountCents } = input;
  return [{ type: 'payments.PaymentAuthorized', data: { customerId, amountCents } }];
}

/**
 * The saga's check that the payment covers the order: it must exist, be the customer's, and hold exactly the
 * order's total (the reference never compared the amount), and pay for no other order. Confirming again for
 * the same order records nothing.
 */
export function confirm(
  state: State,
  input: { orderId: string; customerId: string; amountCents: number },
): Event[] {
  if (!state.exists) {
    throw notFound('payment_not_found', 'payment cannot be confirmed: no payment with that ID');
  }
  if (state.voided) {
    throw failedPrecondition(
      'payment_voided',
      'payment cannot be confirmed: its authorization was voided when its order was canceled',
    );
  }
  if (state.customerId !== input.customerId) {
    throw permissionDenied(
      'payment_customer_mismatch',
      'payment cannot be confirmed: it was authorized for another customer',
    );
  }
  if (state.amountCents !== input.amountCents) {
    throw failedPrecondition(
      'payment_amount_mismatch',
      `payment cannot be confirmed: the order's total ${money(input.amountCents)} differs from the authorized amount ${money(state.amountCents)}`,
    );
  }
  if (state.confirmed) {
    if (state.orderId === input.orderId) return [];
    throw failedPrecondition(
      'payment_already_used',
      'payment cannot be confirmed: it already paid for another order',
    );
  }
  return [
    { type: 'payments.PaymentConfirmed', data: { orderId: input.orderId, amountCents: input.amountCents } },
  ];
}

/**
 * The saga's compensation of `confirm`: the order was rejected, so the payment is the customer's to use again.
 * Only a payment confirmed for that very order is released. Anything else records nothing and is no error,
 * because the saga also sends it when the confirmation timed out or was refused, and the compensation must be
 * safe when its action never happened: an unknown payment or one never confirmed had nothing done to it
 * (ConfirmPayment refused it, or has not run); one confirmed for another order pays for that order, which
 * this order's rejection must not undo (this order's confirmation was refused as `payment_already_used`).
 * Releasing twice records nothing the second time.
 */
export function release(state: State, input: { orderId: string }): Event[] {
  if (!state.exists || state.voided || !state.confirmed || state.orderId !== input.orderId) return [];
  return [{ type: 'payments.PaymentReleased', data: { orderId: input.orderId } }];
}

/**
 * The order was canceled (by the customer or the staff): the card's hold is released, for good. The payment
 * named by a canceled order is voided if it was confirmed for that order, or not confirmed at all (the saga had
 * not reached it: a later ConfirmPayment is then refused and the saga compensates). One confirmed for another
 * order pays for that one and is left alone; an unknown payment had nothing done to it. Voiding twice, or a
 * released payment of that order, records nothing new / is voided once.
 */
export function voidAuthorization(state: State, input: { orderId: string }): Event[] {
  if (!state.exists || state.voided) return [];
  if (state.confirmed && state.orderId !== input.orderId) return [];
  return [{ type: 'payments.PaymentVoided', data: { orderId: input.orderId } }];
}
