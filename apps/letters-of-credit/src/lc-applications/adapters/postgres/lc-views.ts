import { type PageRequest, pageOf } from '@tessera/platform/ddd';
import type { ProjectionCheckpoint } from '@tessera/platform/projections';
import { inOneSnapshot, type SqlClient, timestampKey } from '@tessera/platform/sql';
import { VIEW_STATUSES, type ViewStatus } from '../../application/lc-view.js';
import type { AsOf, LCViews, ViewFilter } from '../../application/ports.js';
import { type LCViewRow, toView, VIEW_COLUMNS } from './view-rows.js';

type Checkpoint = () => Promise<ProjectionCheckpoint>;

/**
 * The query models as the queries read them. Each answer is read in one snapshot (REPEATABLE READ) with its
 * projection's checkpoint, so the position it gives is exactly that of the rows it shows: a live query
 * resumed from it misses nothing and repeats nothing.
 */
export function postgresLCViews(
  db: SqlClient,
  checkpoints: { view: Checkpoint; summary: Checkpoint },
): LCViews {
  const asOf = <T>(read: () => Promise<T>, also?: Checkpoint): Promise<AsOf<T>> =>
    inOneSnapshot(db, async () => {
      const { position, rebuilding } = await checkpoints.view();
      const other = also && (await also());
      return { value: await read(), position, rebuilding: rebuilding || other?.rebuilding === true };
    });

  return {
    list: (filter, page) => asOf(() => listed(db, filter, page)),

    summary: () =>
      asOf(async () => {
        const { rows: started } = await db.query<{ started: string }>(
          'SELECT started FROM lc_applications.lc_summary',
        );
        const { rows } = await db.query<{ status: ViewStatus; count: string }>(
          'SELECT status, count(*) AS count FROM lc_applications.lc_view GROUP BY status',
        );
        const byStatus = Object.fromEntries(VIEW_STATUSES.map((status) => [status, 0])) as Record<
          ViewStatus,
          number
        >;
        for (const row of rows) byStatus[row.status] = Number(row.count);
        return { started: Number(started[0]?.started ?? 0), byStatus };
      }, checkpoints.summary),

    async changedAfter(which, after, limit) {
      const [condition, value] =
        'id' in which
          ? ['id = $1::uuid', which.id]
          : ['queues_entered @> ARRAY[$1]::text[]', which.queueEntered];
      const { rows } = await db.query<LCViewRow>(
        `SELECT ${VIEW_COLUMNS} FROM lc_applications.lc_view
          WHERE ${condition} AND position > $2 ORDER BY position LIMIT $3`,
        [value, after, limit],
      );
      return rows.map(toView);
    },

    position: async () => (await checkpoints.view()).position,
  };
}

/**
 * One page of a list, by keyset: newest started first, or, for a work queue, oldest submitted first (a
 * queue is worked in the order applications came in). The sort key ends with the id, so it is unique.
 */
async function listed(db: SqlClient, filter: ViewFilter, page: PageRequest) {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (filter.statuses) where.push(`status = ANY(${param(filter.statuses)}::text[])`);
  if (filter.applicantId !== undefined) where.push(`applicant_id = ${param(filter.applicantId)}`);
  if (filter.queue) where.push(`queues @> ARRAY[${param(filter.queue)}]::text[]`);
  const [column, direction, comparison] = filter.queue
    ? ['submitted_at', 'ASC', '>']
    : ['started_at', 'DESC', '<'];
  if (page.after) {
    const [at, id] = page.after;
    where.push(`(${column}, id) ${comparison} (${param(at)}::timestamptz, ${param(id)}::uuid)`);
  }
  const { rows } = await db.query<LCViewRow & { sort_key: string }>(
    `SELECT ${VIEW_COLUMNS}, ${timestampKey(column)} AS sort_key FROM lc_applications.lc_view
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${column} ${direction}, id ${direction} LIMIT ${param(page.limit + 1)}`,
    params,
  );
  const found = pageOf(rows, page.limit, (row) => [row.sort_key, row.id]);
  return { ...found, items: found.items.map(toView) };
}
