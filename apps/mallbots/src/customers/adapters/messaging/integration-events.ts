import { type Broker, derivedId, type NewMessage, newEnvelope } from '@tessera/platform/messaging';
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

/**
 * Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox).
 * A save is one version of one row, so `<customer>@<version>` and the message's place name it for good.
 */
export function brokerOutbox(broker: Broker): IntegrationOutbox {
  return {
    async publish(events, savedVersion) {
      const messages = toIntegrationMessages(events);
      if (messages.length === 0) return;
      await broker.publish(
        messages.map((message, index) =>
          newEnvelope('customers', { ...message, id: derivedId(`${message.key}@${savedVersion}`, index) }),
        ),
      );
    },
  };
}
