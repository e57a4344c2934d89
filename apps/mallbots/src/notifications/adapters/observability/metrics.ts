import { metricsRegistry } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import { Counter } from 'prom-client';
import type { NotificationHistory } from '../../application/ports.js';
import type { Kind } from '../../domain/notification.js';

/**
 * queued: recorded for sending; skipped: recorded with nothing to send it to; sent: the provider accepted it;
 * retried: an attempt failed and another will follow; failed: the last attempt failed.
 */
export type Outcome = 'queued' | 'skipped' | 'sent' | 'retried' | 'failed';

const NAME = 'notifications_total';

/** One counter per process, on the registry served at /metrics (found again if this file is loaded twice). */
export const notificationsCounter =
  (metricsRegistry.getSingleMetric(NAME) as Counter<'kind' | 'outcome'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Customer notifications by kind and outcome (each counted once committed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [metricsRegistry],
  });

export const countNotification = (kind: Kind, outcome: Outcome) =>
  notificationsCounter.inc({ kind, outcome });

/** The history, counting what it records once its transaction has committed (a duplicate counts nothing). */
export function instrumented(
  history: NotificationHistory,
  db: Pick<SqlClient, 'afterCommit'>,
): NotificationHistory {
  return {
    async record(notification) {
      const recorded = await history.record(notification);
      if (recorded) {
        const outcome = notification.to === undefined ? 'skipped' : 'queued';
        await db.afterCommit(() => countNotification(notification.kind, outcome));
      }
      return recorded;
    },
    ofCustomer: (customerId, page) => history.ofCustomer(customerId, page),
  };
}
