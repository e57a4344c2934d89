import type { Projection } from '@tessera/platform/projections';
import type { SqlClient } from '@tessera/platform/sql';
import { applicationIdOf, evolveView, type LCView } from '../../application/lc-view.js';
import { type LCViewRow, toView, VIEW_COLUMNS } from './view-rows.js';

export const LC_VIEW_PROJECTION = 'lc-applications.lc-view';
export const LC_SUMMARY_PROJECTION = 'lc-applications.summary';

const columns = [
  'id',
  'applicant_id',
  'client_reference',
  'status',
  'amount_cents',
  'currency',
  'merchandise',
  'product_value',
  'product_legality',
  'applicant_credit',
  'approval_reminders',
  'past_due',
  'started_at',
  'submitted_at',
  'closed_at',
  'updated_at',
  'position',
  'queues',
  'queues_entered',
];
const UPSERT = `INSERT INTO lc_applications.lc_view (${columns.join(', ')})
  VALUES (${columns.map((column, i) => `$${i + 1}${column === 'merchandise' ? '::jsonb' : ''}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${columns
    .slice(1)
    .map((column) => `${column} = EXCLUDED.${column}`)
    .join(', ')}`;

const rowOf = (view: LCView) => [
  view.id,
  view.applicantId,
  view.clientReference,
  view.status,
  view.amount?.cents ?? null,
  view.amount?.currency ?? null,
  view.merchandise ? JSON.stringify(view.merchandise) : null,
  view.checks.productValue,
  view.checks.productLegality,
  view.checks.applicantCredit,
  view.approvalReminders,
  view.pastDue,
  view.startedAt,
  view.submittedAt ?? null,
  view.closedAt ?? null,
  view.updatedAt,
  view.position,
  [...view.queues],
  [...view.queuesEntered],
];

/**
 * LCView, kept by every event that changes an application (its own and its checks'): each batch reads the
 * views its events are about, folds the events into them in order (`evolveView`, pure) and writes back those
 * that changed, in the batch's transaction with the checkpoint. A view ahead of an event (a batch retried
 * after another runner applied it) is left as it is, so applying is idempotent as well as exactly once.
 */
export function lcViewProjection(db: SqlClient): Projection {
  return {
    name: LC_VIEW_PROJECTION,
    reset: async () => {
      await db.query('TRUNCATE lc_applications.lc_view');
    },
    async handleBatch(events) {
      const ids = [...new Set(events.map((event) => applicationIdOf(event.streamName)))];
      const { rows } = await db.query<LCViewRow>(
        `SELECT ${VIEW_COLUMNS} FROM lc_applications.lc_view WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const views = new Map(rows.map((row) => [row.id, toView(row)]));
      const changed = new Set<string>();
      for (const event of events) {
        const id = applicationIdOf(event.streamName);
        const before = views.get(id);
        const after = evolveView(before, event);
        if (after && after !== before) {
          views.set(id, after);
          changed.add(id);
        }
      }
      for (const id of changed) await db.query(UPSERT, rowOf(views.get(id)!));
    },
  };
}

/** A new application, as the book's LCApplicationStartedEventHandler announces it. */
export interface StartedApplication {
  readonly id: string;
  readonly clientReference: string;
}

/**
 * LCSummaryView (§4.3): the running count of applications started, one row. Each start is also announced
 * (the book's handler logs "New LC with client reference '…' started!"): a side effect, so only live, once
 * committed, and never again when the summary is rebuilt by replay.
 */
export function lcSummaryProjection(
  db: SqlClient,
  announce: (started: StartedApplication) => void,
): Projection {
  return {
    name: LC_SUMMARY_PROJECTION,
    reset: async () => {
      await db.query('DELETE FROM lc_applications.lc_summary');
    },
    handlers: {
      'lc.LCApplicationStarted': async (event, { replaying }) => {
        await db.query(
          `INSERT INTO lc_applications.lc_summary (started) VALUES (1)
           ON CONFLICT (singleton) DO UPDATE SET started = lc_applications.lc_summary.started + 1`,
        );
        if (replaying) return;
        const { clientReference } = event.data as { clientReference: string };
        const started = { id: applicationIdOf(event.streamName), clientReference };
        // Once committed: a batch that fails is retried, and must not announce twice.
        await db.afterCommit(() => announce(started));
      },
    },
  };
}
