import { commandSubscription, type Publisher } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { DepotCommands } from '../../application/commands.js';
import { DEPOT_COMMAND_CHANNEL, depotCommands } from '../../contract/integration-events.js';

/** The consumer group that handles the commands sent to Depot (one per module, shared by its instances). */
export const DEPOT_COMMANDS_GROUP = 'depot-commands';

/**
 * The driver adapter of the saga's commands (spec §5, steps 2 and 4, and step 2's compensation): the outcome
 * is replied on the command's replyTo, in the handling's transaction. CreateShoppingList succeeds with
 * `{ id }`; an unknown store or product is a Failure naming it. Every command is dispatched (the reference
 * answered InitiateShopping with a Success without doing anything). Stores being unavailable is not an
 * answer: the command is retried, then dead-lettered.
 */
export function depotCommandHandling(
  commands: DepotCommands,
  dependencies: { publisher: Publisher; db: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'> },
) {
  return commandSubscription(
    { group: DEPOT_COMMANDS_GROUP, subject: DEPOT_COMMAND_CHANNEL, commands: depotCommands },
    {
      'depotapi.CreateShoppingList': (input) => commands.createShoppingList(input),
      'depotapi.CancelShoppingList': ({ orderId }) => commands.cancelShoppingList({ orderId }),
      'depotapi.InitiateShopping': ({ id }) => commands.initiateShopping({ id }),
    },
    { ...dependencies, source: 'depot' },
  );
}
