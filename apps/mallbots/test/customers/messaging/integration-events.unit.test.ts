import { describe, expect, it } from 'vitest';
import { toIntegrationMessages } from '../../../src/customers/adapters/messaging/integration-events.js';
import {
  CUSTOMER_CHANNEL,
  type CustomersMessageType,
  customersMessages,
} from '../../../src/customers/contract/integration-events.js';

const customerId = '5c9a0f3e-2b1d-4e8f-9a7b-6c5d4e3f2a1b';
const other = '0e1d2c3b-4a59-4687-b7c6-d5e4f3a2b1c0';

describe('Customers integration events', () => {
  it('turns every domain event into its published message, on the Customer channel, keyed by customer id', () => {
    const messages = toIntegrationMessages([
      {
        type: 'customers.CustomerRegistered',
        data: { name: 'Ada', smsNumber: '+15551234567' },
        customerId,
      },
      { type: 'customers.CustomerSmsChanged', data: { smsNumber: '5550000' }, customerId },
      { type: 'customers.CustomerDisabled', data: {}, customerId },
      { type: 'customers.CustomerEnabled', data: {}, customerId: other },
    ]);
    expect(messages).toEqual([
      {
        type: 'customersapi.CustomerRegistered',
        subject: CUSTOMER_CHANNEL,
        key: customerId,
        data: { id: customerId, name: 'Ada', smsNumber: '+15551234567' },
      },
      {
        type: 'customersapi.CustomerSmsChanged',
        subject: CUSTOMER_CHANNEL,
        key: customerId,
        data: { id: customerId, smsNumber: '5550000' },
      },
      {
        type: 'customersapi.CustomerDisabled',
        subject: CUSTOMER_CHANNEL,
        key: customerId,
        data: { id: customerId },
      },
      {
        type: 'customersapi.CustomerEnabled',
        subject: CUSTOMER_CHANNEL,
        key: other,
        data: { id: other },
      },
    ]);
    expect(CUSTOMER_CHANNEL).toBe('mallbots.customers.events.Customer');
    // Every message fits its published schema.
    for (const message of messages) {
      expect(() => customersMessages[message.type as CustomersMessageType].parse(message.data)).not.toThrow();
    }
  });

  it('translates nothing into nothing', () => {
    expect(toIntegrationMessages([])).toEqual([]);
  });
});
