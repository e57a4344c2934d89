import { commandSubscription, type Publisher } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { PaymentsCommands } from '../../application/commands.js';
import { PAYMENTS_COMMAND_CHANNEL, paymentsCommands } from '../../contract/integration-events.js';

/** The consumer group that handles the commands sent to Payments (one per module, shared by its instances). */
export const PAYMENTS_COMMANDS_GROUP = 'payments-commands';

/**
 * The driver adapter of the saga's ConfirmPayment (spec §5, step 3) and of its compensation ReleasePayment:
 * the outcome is replied on the command's replyTo, in the handling's transaction. A payment that is unknown,
 * another customer's, or of another amount is a Failure reply to ConfirmPayment naming the rule, not an
 * error; ReleasePayment always succeeds, doing nothing to a payment not confirmed for its order.
 */
export function paymentsCommandHandling(
  commands: Pick<PaymentsCommands, 'confirmPayment' | 'releasePayment'>,
  dependencies: { publisher: Publisher; db: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'> },
) {
  return commandSubscription(
    { group: PAYMENTS_COMMANDS_GROUP, subject: PAYMENTS_COMMAND_CHANNEL, commands: paymentsCommands },
    {
      'paymentsapi.ConfirmPayment': ({ id, orderId, customerId, amountCents }) =>
        commands.confirmPayment({ id, orderId, customerId, amountCents }),
      'paymentsapi.ReleasePayment': ({ id, orderId }) => commands.releasePayment({ id, orderId }),
    },
    { ...dependencies, source: 'payments' },
  );
}
