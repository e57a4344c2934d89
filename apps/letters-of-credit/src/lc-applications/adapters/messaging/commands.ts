import { commandSubscription, type Publisher } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { LCApplicationCommands } from '../../application/commands.js';
import { LC_APPLICATIONS_COMMAND_CHANNEL, lcApplicationCommands } from '../../contract/integration-events.js';

export const LC_APPLICATIONS_COMMANDS_GROUP = 'lc-applications-commands';

/**
 * The saga's approvals: each is replied to on its replyTo in the handling's transaction. Approving an
 * application the saga approved already is a success that records nothing; one a manager decided meanwhile
 * is a failure reply, which ends nothing more (the saga ends on the decision's own event).
 */
export function lcApplicationCommandHandling(
  commands: Pick<LCApplicationCommands, 'approve'>,
  dependencies: { publisher: Publisher; db: Pick<SqlClient, 'query' | 'inTransaction' | 'beforeNext'> },
) {
  return commandSubscription(
    {
      group: LC_APPLICATIONS_COMMANDS_GROUP,
      subject: LC_APPLICATIONS_COMMAND_CHANNEL,
      commands: lcApplicationCommands,
    },
    {
      'lcapplications.ApproveLCApplication': ({ lcApplicationId }) =>
        commands.approve({ id: lcApplicationId, by: 'auto-approval' }),
    },
    { ...dependencies, source: 'lc-applications' },
  );
}
