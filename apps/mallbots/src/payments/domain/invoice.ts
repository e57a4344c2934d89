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
 * How a pending invoice ends, `paid` or `canceled`, by `event`: ending it the same way again records nothing
 * (a retry must not fail, nor pay twice), and one that ended the other way is refused with `refusal`.
 */
function end(state: State, status: 'paid' | 'canceled', event: Event, refusal: () => Error): Event[] {
  if (!state.exists) throw invoiceNotFound();
  if (state.status === status) return [];
  if (state.status !== 'pending') throw refusal();
  return [event];
}

/** Paying is for a pending invoice; a canceled one cannot be paid. */
export const pay = (state: State): Event[] =>
  end(state, 'paid', { type: 'payments.InvoicePaid', data: {} }, () =>
    failedPrecondition('invoice_not_payable', 'invoice cannot be paid for'),
  );

/** Only a pending invoice is canceled. A paid one stays paid. */
export const cancel = (state: State): Event[] =>
  end(state, 'canceled', { type: 'payments.InvoiceCanceled', data: {} }, () =>
    failedPrecondition('invoice_not_cancelable', 'a paid invoice cannot be canceled'),
  );
