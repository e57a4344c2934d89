import { mapPage, type Page } from '@tessera/platform/ddd';
import {
  type HttpServer,
  liveRoutes,
  nextPage,
  pageAnswer,
  pageQuery,
  pageRequest,
  restRoutes,
} from '@tessera/platform/http';
import type { Principal } from '@tessera/platform/identity';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import { type LCView, VIEW_STATUSES, WORK_QUEUES, type WorkQueue } from '../../application/lc-view.js';
import type { AsOf } from '../../application/ports.js';
import type { LCApplicationQueries } from '../../application/queries.js';
import type { LCViewQueries } from '../../application/view-queries.js';
import { lcApplicationsRoles } from '../../contract/roles.js';
import { answerAsHalForms } from './media-types.js';
import { ownerOfApplication } from './routes.js';
import { amountDto, applicationLinks, desksOf, idParams, link, tags, template } from './schemas.js';

const { applicant, tradeFinanceManager } = lcApplicationsRoles;
const BASE = '/api/lc-applications';
/** The list's name in `_embedded`, as in the book's HATEOAS sample. */
const EMBEDDED = 'lc-applications';

const checkStatus = z.enum(['pending', 'approved', 'rejected']);
const viewItem = z
  .object({
    id: z.uuid(),
    applicantId: z.string(),
    clientReference: z.string(),
    status: z.enum(VIEW_STATUSES),
    amount: z.object({ amount: z.number(), currency: z.string() }).optional(),
    checks: z
      .object({ productValue: checkStatus, productLegality: checkStatus, applicantCredit: checkStatus })
      .describe("The partners' checks: Compliance's on the product, Customer Onboarding's on the applicant"),
    approvalReminders: z.number().int(),
    pastDue: z.boolean(),
    queues: z.array(z.enum(WORK_QUEUES)).describe('The work queues it is in now'),
    startedAt: z.string(),
    submittedAt: z.string().optional(),
    closedAt: z.string().optional().describe('When it was approved, declined or canceled'),
    updatedAt: z.string(),
    _links: z.record(z.string(), link).describe('self, and a link per task it allows now, to the caller'),
    _templates: z.record(z.string(), template).describe('HAL-FORMS: how to do each task it allows now'),
  })
  .meta({ id: 'LCApplicationItem', description: 'An LC application as lists show it, with its tasks' });

const asOf = {
  position: z
    .number()
    .int()
    .describe('The position of the query model this answer shows: follow live updates from it (lastEventId)'),
  rebuilding: z
    .boolean()
    .describe('The query model is being rebuilt by replay: the answer may be incomplete, and stale'),
};

const listResponse = z
  .object({
    _embedded: z.object({ [EMBEDDED]: z.array(viewItem) }),
    _links: z.object({ self: link, next: link.optional() }),
    next: nextPage,
    ...asOf,
  })
  .describe('A page of LC applications (HAL-FORMS), each with the tasks it allows now');

const summaryResponse = z.object({
  started: z.number().int().describe('The running count of applications started'),
  byStatus: z.object(Object.fromEntries(VIEW_STATUSES.map((status) => [status, z.number().int()]))),
  ...asOf,
});

const byKeyset = (query: { limit: number; after?: string | undefined }) =>
  pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));

const problems = {
  badRequest: 'A filter, a page or a last event id is malformed (see errors: the field and what is wrong)',
  notFound: 'No LC application with that id',
};

export interface QueryRouteOptions {
  /** Wakes the live routes' streams: the LCView projector's `watch`. */
  readonly watch: (wake: () => void) => () => void;
  /** How often a live route sends a heartbeat. */
  readonly heartbeatMs?: number;
}

/**
 * The query side's routes (§4.4, §4.5, §6.3): lists of applications by status, "my drafts", the trade-finance
 * work queues and the summary, all read from the query models; and live updates of one application or of a
 * work queue (Server-Sent Events, resumable). Each application shows the tasks it allows now, to the caller.
 */
export function registerLCQueryRoutes(
  http: HttpServer,
  { queries, views, ...options }: { queries: LCApplicationQueries; views: LCViewQueries } & QueryRouteOptions,
) {
  // A queue's path names no application: no 404 to document for it, its unknown names are a 400.
  const liveOptions = {
    tags,
    watch: options.watch,
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
  };
  const rest = restRoutes(http, { tags, problems });
  const live = liveRoutes(http, { ...liveOptions, problems });
  const queues = restRoutes(http, { tags, problems: { badRequest: problems.badRequest } });
  const liveQueues = liveRoutes(http, { ...liveOptions, problems: { badRequest: problems.badRequest } });
  answerAsHalForms(http, [BASE, `${BASE}/my-drafts`, `${BASE}/queues/:queue`]);
  const itemOf = (principal: Principal | undefined) => {
    const desks = desksOf(principal);
    return (view: LCView) => toViewDto(http.prefix, view, desks);
  };
  const list = (url: string, principal: Principal | undefined, listed: AsOf<Page<LCView>>) =>
    halList(url, pageAnswer('items', mapPage(listed.value, itemOf(principal))), listed);

  rest.get(BASE, 'listLCApplications', {
    audience: { roles: [applicant, tradeFinanceManager], owner: 'listed by the handler' },
    summary: 'LC applications by status, newest started first; an applicant sees only their own',
    description:
      '`pending`: not decided yet (a draft or a submitted application). Without a status, every one. Each ' +
      'application links the tasks it allows now to the caller.',
    querystring: z.object({ status: z.enum([...VIEW_STATUSES, 'pending']).optional(), ...pageQuery }),
    ok: listResponse,
    handler: async ({ query, ownOnly, principal, url }) =>
      list(
        url,
        principal,
        await views.listApplications({
          ...(query.status && { status: query.status }),
          ...(ownOnly && principal && { applicantId: principal.subject }),
          page: byKeyset(query),
        }),
      ),
  });

  rest.get(`${BASE}/my-drafts`, 'myDraftLCApplications', {
    audience: { roles: [applicant], owner: 'listed by the handler' },
    summary: "The caller's own drafts (MyDraftLCsQuery), newest started first",
    querystring: z.object(pageQuery),
    ok: listResponse,
    handler: async ({ query, principal, url }) =>
      list(
        url,
        principal,
        await views.myDrafts({ applicantId: principal?.subject ?? '', page: byKeyset(query) }),
      ),
  });

  queues.get(`${BASE}/queues/:queue`, 'lcApplicationWorkQueue', {
    audience: { roles: [tradeFinanceManager] },
    summary: 'A work queue of the trade-finance desk, oldest submitted first',
    description: QUEUES_DESCRIPTION,
    params: z.object({ queue: z.enum(WORK_QUEUES) }),
    querystring: z.object(pageQuery),
    ok: listResponse,
    handler: async ({ params, query, principal, url }) =>
      list(url, principal, await views.workQueue({ queue: params.queue, page: byKeyset(query) })),
  });

  rest.get(`${BASE}/summary`, 'lcApplicationsSummary', {
    audience: { roles: [tradeFinanceManager] },
    summary: 'How many applications were started (LCSummaryView), and how many are in each status',
    ok: summaryResponse,
    handler: async () => {
      const { value, position, rebuilding } = await views.summary();
      return { ...value, position, rebuilding };
    },
  });

  live.get(`${BASE}/:id/live`, 'followLCApplication', {
    audience: { roles: [applicant, tradeFinanceManager], owner: ownerOfApplication(queries) },
    summary: "An application's changes as they happen: its view, each time it changes",
    description:
      'Without a last event id, the application as it is now comes first. An applicant follows only their own.',
    params: idParams,
    events: { application: viewItem },
    feed: async ({ params, principal }) => {
      await queries.getApplication(params); // 404 for an application that does not exist
      const item = itemOf(principal);
      return {
        start: async () => 0,
        changes: async (after, limit) =>
          (await views.applicationChanges({ id: params.id, after, limit })).map((view) => ({
            position: view.position,
            event: 'application',
            data: item(view),
          })),
      };
    },
  });

  liveQueues.get(`${BASE}/queues/:queue/live`, 'followLCApplicationWorkQueue', {
    audience: { roles: [tradeFinanceManager] },
    summary: "A work queue's changes as they happen: applications entering, changing in, and leaving it",
    description:
      `${QUEUES_DESCRIPTION}\n\n\`in-queue\`: an application in the queue now (it entered, or changed in ` +
      'it); `out-of-queue`: one that left it. Without a last event id, the changes from now on: read the ' +
      "queue first and pass its answer's position as lastEventId to miss nothing in between.",
    params: z.object({ queue: z.enum(WORK_QUEUES) }),
    events: { 'in-queue': viewItem, 'out-of-queue': viewItem },
    feed: async ({ params, principal }) => {
      const item = itemOf(principal);
      const queue: WorkQueue = params.queue;
      return {
        start: () => views.position(),
        changes: async (after, limit) =>
          (await views.queueChanges({ queue, after, limit })).map(({ view, inQueue }) => ({
            position: view.position,
            event: inQueue ? 'in-queue' : 'out-of-queue',
            data: item(view),
          })),
      };
    },
  });
}

const QUEUES_DESCRIPTION =
  '`pending-product-validation`: submitted, Compliance has yet to decide the value or the legality of the ' +
  'product. `pending-applicant-validation`: submitted, Customer Onboarding has yet to decide the credit. ' +
  '`pending-approval`: every submitted application, whatever its checks say so far (each shows them). ' +
  '`approved`: approved, for LC Issuance.';

/** An application as lists and live updates show it: its view, with the tasks it allows now. */
function toViewDto(prefix: string, view: LCView, desks: ReturnType<typeof desksOf>) {
  return {
    id: view.id,
    applicantId: view.applicantId,
    clientReference: view.clientReference,
    status: view.status,
    ...(view.amount && { amount: amountDto(view.amount) }),
    checks: view.checks,
    approvalReminders: view.approvalReminders,
    pastDue: view.pastDue,
    queues: [...view.queues],
    startedAt: view.startedAt.toISOString(),
    ...(view.submittedAt && { submittedAt: view.submittedAt.toISOString() }),
    ...(view.closedAt && { closedAt: view.closedAt.toISOString() }),
    updatedAt: view.updatedAt.toISOString(),
    ...applicationLinks(prefix, view.id, view, desks),
  };
}

/** A page as HAL: the items under `_embedded`, `self` and `next` links, and the position it shows. */
function halList<T>(
  url: string,
  page: { items: T[]; next?: string },
  { position, rebuilding }: AsOf<unknown>,
) {
  const after = (next: string) => {
    const target = new URL(url, 'http://host');
    target.searchParams.set('after', next);
    return { href: `${target.pathname}${target.search}` };
  };
  return {
    _embedded: { [EMBEDDED]: page.items },
    _links: { self: { href: url }, ...(page.next && { next: after(page.next) }) },
    ...(page.next && { next: page.next }),
    position,
    rebuilding,
  };
}
