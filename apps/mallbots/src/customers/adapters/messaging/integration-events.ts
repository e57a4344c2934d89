import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { CustomerDomainEvent, IntegrationOutbox } from '../../application/ports.js';
import { CUSTOMER_CHANNEL, type CustomersMessage } from '../../contract/integration-events.js';

/** The integration message each domain event becomes; the internal event shapes never leave the module. */
function forCustomer(event: CustomerDomainEvent): CustomersMessage {
  const id = event.customerId;
  switch (event.type) {
    case 'customers.CustomerRegistered':
      return { type: 'customersapi.CustomerRegistered', data: { id, ...event.data } };
    case 'customers.CustomerSmsChanged':
      return { type: 'customersapi.CustomerSmsChanged', data: { id, smsNumber: event.data.smsNumber } };
    case 'customers.CustomerEnabled':
      return { type: 'customersapi.CustomerEnabled', data: { id } };
    case 'customers.CustomerDisabled':
      return { type: 'customersapi.CustomerDisabled', data: { id } };
  }
}

/** Customer domain events as the messages to publish, in their order, keyed by customer id. */
export function toIntegrationMessages(events: readonly CustomerDomainEvent[]): NewMessage[] {
  return events.map((event) => {
    const message = forCustomer(event);
    return { type: message.type, subject: CUSTOMER_CHANNEL, key: message.data.id, data: message.data };
  });
}

/** Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (events, savedVersion) =>
      publishSaveMessages(broker, 'customers', toIntegrationMessages(events), savedVersion),
  };
}
