import { commandSubscription, type Publisher } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { CustomersCommands } from '../../application/commands.js';
import { CUSTOMERS_COMMAND_CHANNEL, customersCommands } from '../../contract/integration-events.js';

/** The consumer group that handles the commands sent to Customers (one per module, shared by its instances). */
export const CUSTOMERS_COMMANDS_GROUP = 'customers-commands';

/**
 * The driver adapter of the saga's commands (spec §3.3, C4): each command calls the application, and its
 * outcome is replied on the command's replyTo, in the handling's transaction. A refusal of the application
 * (an unknown or disabled customer: `customer_not_authorized`) is a Failure reply, not an error.
 */
export function customersCommandHandling(
  commands: Pick<CustomersCommands, 'authorizeCustomer'>,
  dependencies: { publisher: Publisher; db: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'> },
) {
  return commandSubscription(
    { group: CUSTOMERS_COMMANDS_GROUP, subject: CUSTOMERS_COMMAND_CHANNEL, commands: customersCommands },
    { 'customersapi.AuthorizeCustomer': ({ id }) => commands.authorizeCustomer({ id }) },
    { ...dependencies, source: 'customers' },
  );
}
