import { type HttpServer, restRoutes } from '@tessera/platform/http';
import type { CustomersCommands } from '../../application/commands.js';
import type { CustomersQueries } from '../../application/queries.js';
import {
  changeSmsBody,
  customerResponse,
  idParams,
  newCustomerBody,
  problems,
  tags,
  toCustomerDto,
} from './schemas.js';

/** Every REST route of Customers under /api/customers. Authorization is a command only (the saga's). */
export function registerCustomersRoutes(
  http: HttpServer,
  { commands, queries }: { commands: CustomersCommands; queries: CustomersQueries },
) {
  const rest = restRoutes(http, { tags, problems });
  rest.post('/api/customers', 'registerCustomer', {
    summary: 'Register a customer',
    body: newCustomerBody,
    created: 'Registered',
    handler: (request) => commands.registerCustomer(request.body),
  });

  rest.get('/api/customers/:id', 'getCustomer', {
    summary: 'Get a customer',
    params: idParams,
    ok: customerResponse,
    handler: async (request) => ({ customer: toCustomerDto(await queries.getCustomer(request.params)) }),
  });

  rest.put('/api/customers/:id/enable', 'enableCustomer', {
    summary: 'Let a customer order again',
    params: idParams,
    noContent: 'The customer is enabled',
    handler: (request) => commands.enableCustomer(request.params),
  });

  rest.put('/api/customers/:id/disable', 'disableCustomer', {
    summary: 'Stop a customer ordering',
    params: idParams,
    noContent: 'The customer is disabled',
    handler: (request) => commands.disableCustomer(request.params),
  });

  rest.put('/api/customers/:id/change-sms', 'changeSmsNumber', {
    summary: "Change a customer's SMS number",
    params: idParams,
    body: changeSmsBody,
    noContent: 'The customer has the new number',
    handler: (request) => commands.changeSmsNumber({ ...request.params, ...request.body }),
  });
}
