import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { LCView, ViewStatus, WorkQueue } from './lc-view.js';
import type { AsOf, LCSummary, LCViews } from './ports.js';

/** A status, or `pending`: not decided yet, a draft or a submitted application (the book's HATEOAS sample). */
export type StatusFilter = ViewStatus | 'pending';
const PENDING: readonly ViewStatus[] = ['draft', 'submitted'];

type Listed = Promise<AsOf<Page<LCView>>>;

export interface LCViewQueries {
  /** Applications by status, newest started first; an applicant's own only when `applicantId` is given. */
  listApplications(input: { status?: StatusFilter; applicantId?: string; page: PageRequest }): Listed;
  /** MyDraftLCsQuery (§4.4): the applicant's applications in DRAFT, and nothing else. */
  myDrafts(input: { applicantId: string; page: PageRequest }): Listed;
  /** A trade-finance work queue (§4.2), oldest submitted first. */
  workQueue(input: { queue: WorkQueue; page: PageRequest }): Listed;
  summary(): Promise<AsOf<LCSummary>>;
  /** One application's view after a position, if it changed since (live updates). */
  applicationChanges(input: { id: string; after: number; limit: number }): Promise<LCView[]>;
  /**
   * A queue's changes after a position: every application ever in it whose view changed since, each with
   * whether it is in the queue now (one that left it is told once, as out of it).
   */
  queueChanges(input: {
    queue: WorkQueue;
    after: number;
    limit: number;
  }): Promise<Array<{ view: LCView; inQueue: boolean }>>;
  /** The position the view has reached: where live updates that name none start. */
  position(): Promise<number>;
}

export function createLCViewQueries({ views }: { views: LCViews }): LCViewQueries {
  return {
    listApplications: ({ status, applicantId, page }) =>
      views.list(
        {
          ...(status && { statuses: status === 'pending' ? PENDING : [status] }),
          ...(applicantId !== undefined && { applicantId }),
        },
        page,
      ),
    myDrafts: ({ applicantId, page }) => views.list({ statuses: ['draft'], applicantId }, page),
    workQueue: ({ queue, page }) => views.list({ queue }, page),
    summary: () => views.summary(),
    applicationChanges: ({ id, after, limit }) => views.changedAfter({ id }, after, limit),
    async queueChanges({ queue, after, limit }) {
      const changed = await views.changedAfter({ queueEntered: queue }, after, limit);
      return changed.map((view) => ({ view, inQueue: view.queues.includes(queue) }));
    },
    position: () => views.position(),
  };
}
