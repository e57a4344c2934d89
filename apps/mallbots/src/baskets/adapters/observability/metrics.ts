import { metricsRegistry } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import { Counter } from 'prom-client';
import type { BasketsCommands } from '../../application/commands.js';

/** One counter per process, on the registry served at /metrics (found again if this file is loaded twice). */
const counter = (name: string, help: string) =>
  (metricsRegistry.getSingleMetric(name) as Counter | undefined) ??
  new Counter({ name, help, registers: [metricsRegistry] });

// The spec's `baskets_*_count`, renamed to the Prometheus counter convention (as customers_registered_total).
export const basketsStarted = counter('baskets_started_total', 'Baskets started (counted once committed)');
export const basketsCheckedOut = counter(
  'baskets_checked_out_total',
  'Baskets checked out (counted once committed)',
);
export const basketsCanceled = counter('baskets_canceled_total', 'Baskets canceled (counted once committed)');

/** The commands, counting each successful start, checkout and cancel once it has committed (spec: `instrumentedApp`). */
export function instrumented(
  commands: BasketsCommands,
  db: Pick<SqlClient, 'inTransaction' | 'afterCommit'>,
): BasketsCommands {
  const count = (metric: Counter) => {
    // Inside a caller's transaction the change is not committed yet: count it when it is.
    if (db.inTransaction()) void db.afterCommit(() => metric.inc());
    else metric.inc();
  };
  return {
    ...commands,
    async startBasket(input) {
      const result = await commands.startBasket(input);
      count(basketsStarted);
      return result;
    },
    async checkoutBasket(input) {
      await commands.checkoutBasket(input);
      count(basketsCheckedOut);
    },
    async cancelBasket(input) {
      await commands.cancelBasket(input);
      count(basketsCanceled);
    },
  };
}
