import { mapPage } from '@tessera/platform/ddd';
import {
  type HttpServer,
  liveRoutes,
  ownerFrom,
  pageAnswer,
  pageQuery,
  pageRequest,
  restRoutes,
} from '@tessera/platform/http';
import type { Principal } from '@tessera/platform/identity';
import { isTimestampKey } from '@tessera/platform/sql';
import { z } from 'zod';
import { customersRoles } from '../../../customers/contract/roles.js';
import { depotRoles } from '../../../depot/contract/roles.js';
import type { TrackingFilter } from '../../application/ports.js';
import type { SearchQueries } from '../../application/queries.js';
import { trackingStatuses } from '../../domain/tracking.js';
import { idParams, problems, tags } from './schemas.js';
import {
  orderTrackingSchema,
  toTrackingDto,
  trackingListResponse,
  trackingResponse,
} from './tracking-schemas.js';

export interface TrackingRouteOptions {
  /** Wakes the live streams: the tracking projector's `watch`. */
  readonly watch: (wake: () => void) => () => void;
  /** How often a live stream sends a heartbeat. */
  readonly heartbeatMs?: number;
}

const statusQuery = z.object({ status: z.enum(trackingStatuses).optional() });

const FEED_DESCRIPTION =
  'Each event (`order`) is the order as it is now, its id the position of its last change. A customer ' +
  'follows only their own orders and, naming no last event id, gets each of them first; depot staff follow ' +
  'every order and, naming none, get the changes from now on: list first (GET /api/search/orders) and pass ' +
  "its answer's position as lastEventId to miss nothing in between. With `status`, the orders that were " +
  'ever in that status: one that left it is sent once more, in its new status.';

/**
 * Order tracking (the kiosk's "my order", the depot's orders board): a list answering the position it was
 * read at, one order, and a live feed of changes (ADR 0029), all read from `search.order_tracking`.
 */
export function registerTrackingRoutes(
  http: HttpServer,
  { queries, watch, heartbeatMs }: { queries: SearchQueries } & TrackingRouteOptions,
) {
  const rest = restRoutes(http, { tags, problems });
  const live = liveRoutes(http, {
    tags,
    watch,
    problems: { badRequest: problems.badRequest },
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
  });
  const roles = [customersRoles.customer, depotRoles.depotStaff];
  const filterOf = (status: TrackingFilter['status'], ownOnly: boolean, principal?: Principal) => ({
    ...(status === undefined ? {} : { status }),
    // A customer sees only their own orders, whatever else is asked.
    ...(ownOnly ? { customerId: principal?.subject ?? '' } : {}),
  });

  rest.get('/api/search/orders', 'listOrderTrackings', {
    audience: { roles, owner: 'listed by the handler' },
    summary: 'Orders as their customers watch them, newest placed first; a customer sees only their own',
    description:
      'Each order with its status, steps, shopping list stop by stop, total and invoice (as the live route ' +
      'sends them), and the position the answer was read at: follow GET /api/search/orders/live from it.',
    querystring: statusQuery.extend(pageQuery),
    ok: trackingListResponse,
    handler: async ({ query, ownOnly, principal }) => {
      const page = pageRequest(query, 2, ([at]) => isTimestampKey(at!));
      const { value, position, rebuilding } = await queries.listTrackings({
        filter: filterOf(query.status, ownOnly, principal),
        page,
      });
      return { ...pageAnswer('orders', mapPage(value, toTrackingDto)), position, rebuilding };
    },
  });

  rest.get('/api/search/orders/:id/tracking', 'getOrderTracking', {
    audience: {
      roles,
      owner: ownerFrom(
        async (request: { params: { id: string } }) =>
          (await queries.getTracking(request.params)).value.customerId,
      ),
    },
    summary: 'One order as its customer watches it, and the position it was read at',
    description:
      'An order Search has not been told of yet (just checked out) is 404 here: GET /api/ordering/{id} says ' +
      'it is being placed.',
    params: idParams,
    ok: trackingResponse,
    handler: async ({ params }) => {
      const { value, position, rebuilding } = await queries.getTracking(params);
      return { order: toTrackingDto(value), position, rebuilding };
    },
  });

  live.get('/api/search/orders/live', 'followOrderTrackings', {
    audience: { roles, owner: 'listed by the handler' },
    summary: 'Orders as they change, live (Server-Sent Events); a customer follows only their own',
    description: FEED_DESCRIPTION,
    querystring: statusQuery,
    events: { order: orderTrackingSchema },
    feed: async ({ query, ownOnly, principal }) => {
      const filter = filterOf(query.status, ownOnly, principal);
      return {
        start: async () => (ownOnly ? 0 : queries.trackingPosition()),
        changes: async (after, limit) =>
          (await queries.trackingChanges({ filter, after, limit })).map((view) => ({
            position: view.position,
            event: 'order',
            data: toTrackingDto(view),
          })),
      };
    },
  });
}
