import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Customer from '../../../src/customers/domain/customer.js';

const spec = aggregateSpec(Customer.aggregate);
const registered: Customer.Event = {
  type: 'customers.CustomerRegistered',
  data: { name: 'Ada', smsNumber: '+15551234567' },
};
const enabled: Customer.Event = { type: 'customers.CustomerEnabled', data: {} };
const disabled: Customer.Event = { type: 'customers.CustomerDisabled', data: {} };
const smsChanged = (smsNumber: string): Customer.Event => ({
  type: 'customers.CustomerSmsChanged',
  data: { smsNumber },
});
const notFound = {
  kind: 'not_found',
  code: 'customer_not_found',
  message: 'customer with that ID does not exist',
} as const;
const notAuthorized = {
  kind: 'permission_denied',
  code: 'customer_not_authorized',
  message: 'customer is not authorized',
} as const;

describe('Customer: register', () => {
  it('records CustomerRegistered with the name trimmed and the number compacted; the customer is enabled', () => {
    const state = spec
      .given()
      .when((s) => Customer.register(s, { name: '  Ada ', smsNumber: ' +1 555-123 4567 ' }))
      .thenEvents(registered);
    expect(state).toEqual({ exists: true, name: 'Ada', smsNumber: '+15551234567', enabled: true });
  });

  it.each(['', '   '])('refuses a blank name (%j), naming the field', (name) => {
    const error = spec
      .given()
      .when((s) => Customer.register(s, { name, smsNumber: '+15551234567' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_name_blank',
        message: 'the customer name cannot be blank',
      });
    expect(error.field).toBe('name');
  });

  it.each(['', ' \t '])('refuses a blank SMS number (%j), naming the field', (smsNumber) => {
    const error = spec
      .given()
      .when((s) => Customer.register(s, { name: 'Ada', smsNumber }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'customer_sms_number_blank',
        message: 'the SMS number cannot be blank',
      });
    expect(error.field).toBe('smsNumber');
  });

  it.each(['abc', '12345', '+1234567890123456', '555 12ab 34', '++15551234567', '1555.123.4567', '-'])(
    'refuses an SMS number that is not E.164-like (%j)',
    (smsNumber) => {
      const error = spec
        .given()
        .when((s) => Customer.register(s, { name: 'Ada', smsNumber }))
        .thenFails({
          kind: 'invalid_argument',
          code: 'customer_sms_number_invalid',
          message: 'the SMS number is not valid',
        });
      expect(error.field).toBe('smsNumber');
    },
  );

  it.each([
    ['5551234', '5551234'],
    ['+44 20 7946 0958', '+442079460958'],
    ['123-456-789012345', '123456789012345'],
  ])('accepts %j as %j', (smsNumber, stored) => {
    spec
      .given()
      .when((s) => Customer.register(s, { name: 'Ada', smsNumber }))
      .thenEvents({ type: 'customers.CustomerRegistered', data: { name: 'Ada', smsNumber: stored } });
  });

  it('refuses to register a customer twice under one id', () => {
    spec
      .given(registered)
      .when((s) => Customer.register(s, { name: 'Ada', smsNumber: '+15551234567' }))
      .thenFails({ kind: 'already_exists', code: 'customer_already_exists' });
  });
});

describe('Customer: enable and disable', () => {
  it('disables an enabled customer', () => {
    const state = spec.given(registered).when(Customer.disable).thenEvents(disabled);
    expect(state.enabled).toBe(false);
  });

  it('refuses to disable a disabled customer', () => {
    spec.given(registered, disabled).when(Customer.disable).thenFails({
      kind: 'failed_precondition',
      code: 'customer_already_disabled',
      message: 'the customer is already disabled',
    });
  });

  it('enables a disabled customer', () => {
    const state = spec.given(registered, disabled).when(Customer.enable).thenEvents(enabled);
    expect(state.enabled).toBe(true);
  });

  it('refuses to enable an enabled customer (a new one, or one enabled again)', () => {
    for (const history of [[registered], [registered, disabled, enabled]]) {
      spec
        .given(...history)
        .when(Customer.enable)
        .thenFails({
          kind: 'failed_precondition',
          code: 'customer_already_enabled',
          message: 'the customer is already enabled',
        });
    }
  });

  it('answers not found for an unknown customer', () => {
    spec.given().when(Customer.enable).thenFails(notFound);
    spec.given().when(Customer.disable).thenFails(notFound);
  });
});

describe('Customer: change SMS number', () => {
  it('records CustomerSmsChanged with the compacted number', () => {
    const state = spec
      .given(registered)
      .when((s) => Customer.changeSmsNumber(s, { smsNumber: '+44 20-7946-0958' }))
      .thenEvents(smsChanged('+442079460958'));
    expect(state.smsNumber).toBe('+442079460958');
  });

  it('records nothing when the number is the current one, however it is spelled', () => {
    spec
      .given(registered)
      .when((s) => Customer.changeSmsNumber(s, { smsNumber: '+1 555 123-4567' }))
      .thenEvents();
  });

  it('works on a disabled customer too', () => {
    spec
      .given(registered, disabled)
      .when((s) => Customer.changeSmsNumber(s, { smsNumber: '5550000' }))
      .thenEvents(smsChanged('5550000'));
  });

  it('refuses a blank or invalid number, naming the field', () => {
    for (const [smsNumber, code] of [
      ['  ', 'customer_sms_number_blank'],
      ['call me', 'customer_sms_number_invalid'],
    ] as const) {
      const error = spec
        .given(registered)
        .when((s) => Customer.changeSmsNumber(s, { smsNumber }))
        .thenFails({ kind: 'invalid_argument', code });
      expect(error.field).toBe('smsNumber');
    }
  });

  it('answers not found for an unknown customer', () => {
    spec
      .given()
      .when((s) => Customer.changeSmsNumber(s, { smsNumber: '5550000' }))
      .thenFails(notFound);
  });
});

describe('Customer: authorize', () => {
  it('authorizes an enabled customer, recording nothing', () => {
    spec.given(registered).when(Customer.authorize).thenEvents();
    spec.given(registered, disabled, enabled).when(Customer.authorize).thenEvents();
  });

  it('refuses a disabled customer: forbidden (403), not unauthenticated', () => {
    spec.given(registered, disabled).when(Customer.authorize).thenFails(notAuthorized);
  });

  it('refuses an unknown customer with the same answer', () => {
    spec.given().when(Customer.authorize).thenFails(notAuthorized);
  });
});

describe('Customer: evolve', () => {
  it('folds a whole history', () => {
    const state = spec.given(registered, disabled, smsChanged('5550000'), enabled).state;
    expect(state).toEqual({ exists: true, name: 'Ada', smsNumber: '5550000', enabled: true });
  });
});
