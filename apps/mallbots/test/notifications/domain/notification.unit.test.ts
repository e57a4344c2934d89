import { describe, expect, it } from 'vitest';
import {
  destinationOf,
  dollars,
  orderReference,
  smsText,
} from '../../../src/notifications/domain/notification.js';

const ada = { id: 'c1', name: 'Ada', smsNumber: '+15551234567' };
const orderId = '1a2b3c4d-0000-4000-8000-000000000000';

describe('the words of a notification', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [1234, '$12.34'],
    [100_000, '$1000.00'],
    [2 * 1999 + 500, '$44.98'],
  ])('%i cents are %s', (cents, text) => {
    expect(dollars(cents)).toBe(text);
  });

  it('names the order by the first 8 characters of its id', () => {
    expect(orderReference(orderId)).toBe('1A2B3C4D');
  });

  it('says the order was received', () => {
    expect(smsText({ kind: 'order_created', orderId }, ada)).toBe(
      'Hi Ada, we received your order 1A2B3C4D. We will text you when it is ready for pickup.',
    );
  });

  it('says the order is ready with the total to pay, and how many items were not found', () => {
    const ready = { kind: 'order_ready', orderId, totalCents: 4498 } as const;
    expect(smsText({ ...ready, unavailableItems: 0 }, ada)).toBe(
      'Hi Ada, your order 1A2B3C4D is ready for pickup at the depot. Total to pay: $44.98.',
    );
    expect(smsText({ ...ready, unavailableItems: 1 }, ada)).toMatch(
      /Total to pay: \$44\.98\. 1 item could not be found and is not charged\.$/,
    );
    expect(smsText({ ...ready, unavailableItems: 3 }, ada)).toMatch(
      /3 items could not be found and are not charged\.$/,
    );
  });

  it('says who canceled the order, with the staff’s reason', () => {
    const canceled = { kind: 'order_canceled', orderId } as const;
    expect(smsText({ ...canceled, canceledBy: 'customer' }, ada)).toBe(
      'Hi Ada, your order 1A2B3C4D was canceled.',
    );
    expect(smsText({ ...canceled, canceledBy: 'staff', reason: 'out of stock' }, ada)).toBe(
      'Hi Ada, your order 1A2B3C4D was canceled by the depot staff: out of stock.',
    );
    expect(smsText({ ...canceled, canceledBy: 'staff' }, ada)).toBe(
      'Hi Ada, your order 1A2B3C4D was canceled by the depot staff.',
    );
  });

  it('greets a customer without a name plainly', () => {
    expect(smsText({ kind: 'order_created', orderId }, { ...ada, name: ' ' })).toMatch(/^Hi, we received/);
  });
});

describe('where a notification goes', () => {
  it('to the SMS number; skipped without one, or for an unknown customer', () => {
    expect(destinationOf(ada)).toEqual({ to: '+15551234567' });
    expect(destinationOf({ ...ada, smsNumber: '  ' })).toEqual({ skipped: 'no_sms_number' });
    expect(destinationOf(undefined)).toEqual({ skipped: 'customer_unknown' });
  });
});
