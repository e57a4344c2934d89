import { metricsRegistry } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import { Counter } from 'prom-client';
import type { CustomersCommands } from '../../application/commands.js';

const NAME = 'customers_registered_total';

/** One counter per process, on the registry served at /metrics (found again if this file is loaded twice). */
export const customersRegistered =
  (metricsRegistry.getSingleMetric(NAME) as Counter | undefined) ??
  new Counter({
    name: NAME,
    help: 'Customers registered (counted once the registration has committed)',
    registers: [metricsRegistry],
  });

/** The commands, counting each registration once it has committed (spec: `instrumentedApp`). */
export function instrumented(
  commands: CustomersCommands,
  db: Pick<SqlClient, 'inTransaction' | 'afterCommit'>,
): CustomersCommands {
  return {
    ...commands,
    async registerCustomer(input) {
      const result = await commands.registerCustomer(input);
      // Inside a caller's transaction the registration is not committed yet: count it when it is.
      if (db.inTransaction()) db.afterCommit(() => customersRegistered.inc());
      else customersRegistered.inc();
      return result;
    },
  };
}
