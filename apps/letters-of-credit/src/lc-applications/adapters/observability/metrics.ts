import type { RecordedEvent } from '@tessera/platform/eventstore';
import { defineCounter } from '@tessera/platform/observability';
import type { SqlClient } from '@tessera/platform/sql';
import type { SaveEffects } from '../../application/ports.js';
import type * as LCApplication from '../../domain/lc-application.js';

/**
 * The business's counters (§8.1): applications started, submitted, approved (automatically or by a manager),
 * declined, canceled, reminded and past due, by the event that records each.
 */
export const lcApplicationEvents = defineCounter<'event' | 'by'>({
  name: 'lc_application_events_total',
  help: 'Changes of LC applications, once committed: started, submitted, approved (by), declined, canceled, reminded, past due',
  labelNames: ['event', 'by'],
});

const COUNTED: Partial<Record<LCApplication.Event['type'], string>> = {
  'lc.LCApplicationStarted': 'started',
  'lc.LCApplicationSubmitted': 'submitted',
  'lc.LCApplicationApproved': 'approved',
  'lc.LCApplicationDeclined': 'declined',
  'lc.LCApplicationCanceled': 'canceled',
  'lc.LCApprovalPending': 'reminded',
  'lc.LCApprovalPastDue': 'past_due',
};

const labelsOf = (event: RecordedEvent) => {
  const name = COUNTED[event.type as LCApplication.Event['type']];
  if (!name) return undefined;
  const by = (event.data as { by?: string }).by;
  return { event: name, by: by ?? '' };
};

/**
 * The save's effects, counting what was recorded once its transaction has committed: a repeated task that
 * records nothing (the saga's second approval) counts nothing.
 */
export function counted(
  effects: SaveEffects,
  db: Pick<SqlClient, 'inTransaction' | 'afterCommit'>,
): SaveEffects {
  return {
    async publish(id, state, recorded) {
      await effects.publish(id, state, recorded);
      for (const event of recorded) {
        const labels = labelsOf(event);
        if (!labels) continue;
        if (db.inTransaction()) await db.afterCommit(() => lcApplicationEvents.inc(labels));
        else lcApplicationEvents.inc(labels);
      }
    },
  };
}
