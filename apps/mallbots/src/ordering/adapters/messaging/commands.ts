import { commandSubscription, type Publisher } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { OrderingCommands } from '../../application/commands.js';
import { ORDERING_COMMAND_CHANNEL, orderingCommands } from '../../contract/integration-events.js';

/** The consumer group that handles the commands sent to Ordering (one per module, shared by its instances). */
export const ORDERING_COMMANDS_GROUP = 'ordering-commands';

/**
 * The driver adapter of the saga's commands (spec §3.5): each calls the application, and its outcome is
 * replied on the command's replyTo, in the handling's transaction. A refusal (an unknown order, an order no
 * longer pending) is a Failure reply; repeating the transition already made is a Success that records nothing.
 */
export function orderingCommandHandling(
  commands: Pick<OrderingCommands, 'approveOrder' | 'rejectOrder'>,
  dependencies: { publisher: Publisher; db: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'> },
) {
  return commandSubscription(
    { group: ORDERING_COMMANDS_GROUP, subject: ORDERING_COMMAND_CHANNEL, commands: orderingCommands },
    {
      'ordersapi.ApproveOrder': ({ id, shoppingListId }) => commands.approveOrder({ id, shoppingListId }),
      'ordersapi.RejectOrder': ({ id, reason }) => commands.rejectOrder({ id, reason }),
    },
    { ...dependencies, source: 'ordering' },
  );
}
