import { type HttpServer, ownerFrom, restRoutes, whenUnavailable } from '@tessera/platform/http';
import { BASKETS_UNAVAILABLE, basketsUnavailableResponse } from '../../../baskets/contract/checkouts.js';
import { customersRoles } from '../../../customers/contract/roles.js';
import { depotRoles } from '../../../depot/contract/roles.js';
import type { OrderingCommands } from '../../application/commands.js';
import type { OrderingQueries } from '../../application/queries.js';
import { idParams, orderResponse, problems, staffCancelBody, tags, toOrderDto } from './schemas.js';

/**
 * Every REST route of Order Processing under /api/ordering (spec §3.5). There is no route that creates an
 * order: orders come only from checked-out baskets. Approval and rejection are the saga's commands.
 */
export function registerOrderingRoutes(
  http: HttpServer,
  dependencies: { commands: OrderingCommands; queries: OrderingQueries },
) {
  // Baskets not answering (asked about an order being placed) is a 503: the client may retry.
  whenUnavailable(http, [BASKETS_UNAVAILABLE], (scope) => registerRoutes(scope, dependencies));
}

function registerRoutes(
  http: HttpServer,
  { commands, queries }: { commands: OrderingCommands; queries: OrderingQueries },
) {
  const rest = restRoutes(http, { tags, problems });
  const { customer } = customersRoles;
  const ownerOfOrder = ownerFrom(
    async (request: { params: { id: string } }) => (await queries.getOrder(request.params)).customerId,
  );
  rest.get('/api/ordering/:id', 'getOrder', {
    audience: { roles: [customer, depotRoles.depotStaff], owner: ownerOfOrder },
    summary: 'Get an order: its status, items and total',
    description:
      'An order being placed (its basket checked out, the order not made from it yet) is `placing`, with ' +
      "the checkout's items and total; never 404.",
    params: idParams,
    ok: orderResponse,
    problems: { 503: basketsUnavailableResponse },
    handler: async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  });

  rest.delete('/api/ordering/:id', 'cancelOrder', {
    audience: { roles: [customer], owner: ownerOfOrder },
    summary:
      'The customer cancels an order that is placing, pending or approved (not once it is ready): its shopping list is canceled, its bot recalled, its payment voided',
    description:
      'An order being placed is made from its checkout and canceled at once: it is never shopped, and its ' +
      'payment is voided.',
    params: idParams,
    problems: { 503: basketsUnavailableResponse },
    noContent: 'The order is canceled',
    handler: (request) => commands.cancelOrder({ ...request.params, by: 'customer' }),
  });

  rest.post('/api/ordering/:id/staff-cancel', 'staffCancelOrder', {
    audience: { roles: [depotRoles.depotStaff] },
    summary:
      'The depot staff cancel an order that is pending, approved or ready (never picked up), with a reason',
    params: idParams,
    body: staffCancelBody,
    problems: { 503: basketsUnavailableResponse },
    noContent: 'The order is canceled',
    handler: ({ params, body }) => commands.cancelOrder({ ...params, by: 'staff', reason: body.reason }),
  });
}
