import { isDomainError } from '@tessera/platform/ddd';
import { type Envelope, type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import type { Logger } from '@tessera/platform/observability';
import { ORDER_CHANNEL, orderingMessages } from '../../../ordering/contract/integration-events.js';
import type { PaymentsCommands } from '../../application/commands.js';

/** The consumer group of Payments on the Order channel (the reference's `payment-orders`, renamed after the module). */
export const PAYMENTS_ORDERS_GROUP = 'payments-orders';

/**
 * Invoices follow orders: a ready order gets its invoice (id = order id), a canceled one has its payment's
 * authorization voided and its pending invoice canceled (the reference filtered OrderCanceled out, so its handler never ran). Handlers run in the
 * broker's transaction with the inbox row, so a redelivery is dropped; a re-publication under another id finds
 * the invoice already made (or canceled) and records nothing.
 */
export function ordersGroup(
  commands: Pick<PaymentsCommands, 'createInvoice' | 'cancelInvoice' | 'voidPayment'>,
  logger: Pick<Logger, 'warn'>,
): GroupSubscription {
  const handle = onMessages(orderingMessages, {
    'ordersapi.OrderReadied': async ({ id, paymentId, totalCents }) => {
      await commands.createInvoice({ orderId: id, paymentId, amountCents: totalCents });
    },
    'ordersapi.OrderCanceled': async ({ id, paymentId }, message: Envelope) => {
      await commands.voidPayment({ id: paymentId, orderId: id });
      try {
        await commands.cancelInvoice({ id });
      } catch (error) {
        // An order canceled before it was ready has no invoice; a paid one stays paid. Neither is worth a
        // retry or a dead letter: the message is acknowledged and the reason logged.
        if (!isDomainError(error) || (error.kind !== 'not_found' && error.kind !== 'failed_precondition')) {
          throw error;
        }
        if (error.kind === 'failed_precondition') {
          logger.warn({ orderId: id, messageId: message.id, code: error.code }, error.message);
        }
      }
    },
  });
  return { group: PAYMENTS_ORDERS_GROUP, subject: ORDER_CHANNEL, handle };
}
