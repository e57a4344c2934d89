import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
  permissionDenied,
} from '@tessera/platform/ddd';
import type { CustomerEvent } from './events.js';

/** A customer of the mall: who they are, where their SMS messages go, and whether they may order. */
export interface State {
  /** False until the customer is registered: loading an id that has no row gives this empty state. */
  readonly exists: boolean;
  readonly name: string;
  readonly smsNumber: string;
  readonly enabled: boolean;
}

export type Event = CustomerEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'customers.Customer',
  initialState: { exists: false, name: '', smsNumber: '', enabled: false },
  evolve(state, event) {
    switch (event.type) {
      case 'customers.CustomerRegistered':
        return { exists: true, name: event.data.name, smsNumber: event.data.smsNumber, enabled: true };
      case 'customers.CustomerEnabled':
        return { ...state, enabled: true };
      case 'customers.CustomerDisabled':
        return { ...state, enabled: false };
      case 'customers.CustomerSmsChanged':
        return { ...state, smsNumber: event.data.smsNumber };
    }
  },
};

export const customerNotFound = () => notFound('customer_not_found', 'customer with that ID does not exist');

/** Forbidden, not unauthenticated: the caller is known, the customer may not order (403). */
export const customerNotAuthorized = () =>
  permissionDenied('customer_not_authorized', 'customer is not authorized');

function mustExist(state: State) {
  if (!state.exists) throw customerNotFound();
}

const nameOf = (name: string) =>
  nonBlank(name, 'customer_name_blank', 'the customer name cannot be blank', 'name');

/** E.164-like: an optional +, then 7 to 15 digits; spaces and dashes are allowed and dropped. */
const SMS_NUMBER = /^\+?\d{7,15}$/;

/** The SMS number as it is stored and compared: without spaces and dashes. */
export function smsNumberOf(smsNumber: string) {
  const trimmed = nonBlank(
    smsNumber,
    'customer_sms_number_blank',
    'the SMS number cannot be blank',
    'smsNumber',
  );
  const compact = trimmed.replace(/[\s-]/g, '');
  if (!SMS_NUMBER.test(compact)) {
    throw invalidArgument('customer_sms_number_invalid', 'the SMS number is not valid', 'smsNumber');
  }
  return compact;
}

/** A new customer is enabled: they may order at once. */
export function register(state: State, input: { name: string; smsNumber: string }): Event[] {
  if (state.exists) {
    throw alreadyExists('customer_already_exists', 'a customer with that ID already exists');
  }
  const name = nameOf(input.name);
  const smsNumber = smsNumberOf(input.smsNumber);
  return [{ type: 'customers.CustomerRegistered', data: { name, smsNumber } }];
}

export function enable(state: State): Event[] {
  mustExist(state);
  if (state.enabled) {
    throw failedPrecondition('customer_already_enabled', 'the customer is already enabled');
  }
  return [{ type: 'customers.CustomerEnabled', data: {} }];
}

export function disable(state: State): Event[] {
  mustExist(state);
  if (!state.enabled) {
    throw failedPrecondition('customer_already_disabled', 'the customer is already disabled');
  }
  return [{ type: 'customers.CustomerDisabled', data: {} }];
}

/** Changing to the current number (once normalised) records nothing, so a retried request is harmless. */
export function changeSmsNumber(state: State, input: { smsNumber: string }): Event[] {
  mustExist(state);
  const smsNumber = smsNumberOf(input.smsNumber);
  if (smsNumber === state.smsNumber) return [];
  return [{ type: 'customers.CustomerSmsChanged', data: { smsNumber } }];
}

/**
 * May this customer place an order? Only a registered, enabled one. Unknown and disabled customers get the
 * same answer, so the question reveals nothing about which ids exist. Records nothing.
 */
export function authorize(state: State): Event[] {
  if (!state.exists || !state.enabled) throw customerNotAuthorized();
  return [];
}
