import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox, SavedInvoiceEvent } from '../../application/ports.js';
import { INVOICE_CHANNEL, type PaymentsMessage } from '../../contract/integration-events.js';

/** The integration message each invoice event becomes; the internal event shapes never leave the module. */
function forInvoice({ invoiceId: id, invoice, event }: SavedInvoiceEvent): PaymentsMessage {
  const { orderId } = invoice;
  switch (event.type) {
    case 'payments.InvoiceCreated':
      return { type: 'paymentsapi.InvoiceCreated', data: { id, ...event.data } };
    case 'payments.InvoicePaid':
      return { type: 'paymentsapi.InvoicePaid', data: { id, orderId } };
    case 'payments.InvoiceCanceled':
      return { type: 'paymentsapi.InvoiceCanceled', data: { id, orderId } };
  }
}

/** Invoice events as the messages to publish, in their order, keyed by invoice id. */
export function toIntegrationMessages(events: readonly SavedInvoiceEvent[]): NewMessage[] {
  return events.map((saved) => {
    const message = forInvoice(saved);
    return { type: message.type, subject: INVOICE_CHANNEL, key: saved.invoiceId, data: message.data };
  });
}

/** Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (events, savedVersion) =>
      publishSaveMessages(broker, 'payments', toIntegrationMessages(events), savedVersion),
  };
}
