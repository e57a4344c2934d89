import { metricsRegistry } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import { Counter } from 'prom-client';
import type { IntegrationOutbox } from '../../application/ports.js';
import type * as Order from '../../domain/order.js';

/** One counter per process, on the registry served at /metrics (found again if this file is loaded twice). */
const counter = (name: string, help: string) =>
  (metricsRegistry.getSingleMetric(name) as Counter | undefined) ??
  new Counter({ name, help, registers: [metricsRegistry] });

/** One counter per change of an order's life, named like the Baskets and Customers counters. */
export const orderCounters: Record<Order.Event['type'], Counter> = {
  'ordering.OrderCreated': counter('orders_created_total', 'Orders created from checkouts (once committed)'),
  'ordering.OrderApproved': counter('orders_approved_total', 'Orders approved by the saga (once committed)'),
  'ordering.OrderRejected': counter('orders_rejected_total', 'Orders rejected by the saga (once committed)'),
  'ordering.OrderCanceled': counter('orders_canceled_total', 'Orders canceled (once committed)'),
  'ordering.OrderReadied': counter('orders_readied_total', 'Orders ready for pickup (once committed)'),
  'ordering.OrderCompleted': counter('orders_completed_total', 'Orders completed (once committed)'),
};

/**
 * The outbox, counting each recorded change once its transaction has committed. Counted here rather than
 * around the commands, because a repeated transition (a redelivered checkout, approval or rejection) succeeds
 * and records nothing: only what was recorded is counted.
 */
export function instrumented(
  outbox: IntegrationOutbox,
  db: Pick<SqlClient, 'inTransaction' | 'afterCommit'>,
): IntegrationOutbox {
  return {
    async publish(id, state, recorded) {
      await outbox.publish(id, state, recorded);
      for (const event of recorded) {
        const metric = orderCounters[event.type as Order.Event['type']];
        if (!metric) continue;
        if (db.inTransaction()) await db.afterCommit(() => metric.inc());
        else metric.inc();
      }
    },
  };
}
