import { type AggregateType, type DomainEvent, failedPrecondition, notFound } from '@tessera/platform/ddd';

export type InvoiceStatus = 'pending' | 'paid' | 'canceled';

/**
 * What the customer owes for an order that is ready at the depot. Its id is the order's: one invoice per
 * order, so a redelivered or re-published OrderReadied can never make a second one.
 */
export interface State {
  readonly exists: boolean;
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountCents: number;
  readonly status: InvoiceStatus;
}

export type Event =
  | DomainEvent<'payments.InvoiceCreated', { orderId: string; paymentId: string; amountCents: number }>
  | DomainEvent<'payments.InvoicePaid', Record<string, never>>
  | DomainEvent<'payments.InvoiceCanceled', Record<string, never>>;

export const aggregate: AggregateType<State, Event> = {
  name: 'payments.Invoice',
  initialState: { exists: false, orderId: '', paymentId: '', amountCents: 0, status: 'pending' },
  evolve(state, event) {
    switch (event.type) {
      case 'payments.InvoiceCreated':
        return { exists: true, ...event.data, status: 'pending' };
      case 'payments.InvoicePaid':
        return { ...state, status: 'paid' };
      case 'payments.InvoiceCanceled':
        return { ...state, status: 'canceled' };
    }
  },
};

export const invoiceNotFound = () => notFound('invoice_not_found', 'no invoice with that ID');

/** Creating the invoice of an order that has one already records nothing: the first one stands. */
export function create(
  state: State,
  input: { orderId: string; paymentId: string; amountCents: number },
): Event[] {
  if (state.exists) return [];
  return [{ type: 'payments.InvoiceCreated', data: { ...input } }];
}

/**
 * Paying is for a pending invoice. Paying a paid one again records nothing (a retried request at the depot
 * must not fail, nor pay twice); a canceled one cannot be paid.
 */
export function pay(state: State): Event[] {
  if (!state.exists) throw invoiceNotFound();
  if (state.status === 'paid') return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('invoice_not_payable', 'invoice cannot be paid for');
  }
  return [{ type: 'payments.InvoicePaid', data: {} }];
}

/** Only a pending invoice is canceled; canceling a canceled one records nothing. A paid one stays paid. */
export function cancel(state: State): Event[] {
  if (!state.exists) throw invoiceNotFound();
  if (state.status === 'canceled') return [];
  if (state.status !== 'pending') {
    throw failedPrecondition('invoice_not_cancelable', 'a paid invoice cannot be canceled');
  }
  return [{ type: 'payments.InvoiceCanceled', data: {} }];
}
