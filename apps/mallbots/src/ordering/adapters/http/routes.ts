import { type HttpServer, ownerFrom, restRoutes } from '@tessera/platform/http';
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
    params: idParams,
    ok: orderResponse,
    handler: async (request) => ({ order: toOrderDto(await queries.getOrder(request.params)) }),
  });

  rest.delete('/api/ordering/:id', 'cancelOrder', {
    audience: { roles: [customer], owner: ownerOfOrder },
    summary:
      'The customer cancels an order that is pending or approved (not once it is ready): its shopping list is canceled, its bot recalled, its payment voided',
    params: idParams,
    noContent: 'The order is canceled',
    handler: (request) => commands.cancelOrder({ ...request.params, by: 'customer' }),
  });

  rest.post('/api/ordering/:id/staff-cancel', 'staffCancelOrder', {
    audience: { roles: [depotRoles.depotStaff] },
    summary:
      'The depot staff cancel an order that is pending, approved or ready (never picked up), with a reason',
    params: idParams,
    body: staffCancelBody,
    noContent: 'The order is canceled',
    handler: ({ params, body }) => commands.cancelOrder({ ...params, by: 'staff', reason: body.reason }),
  });
}
