import { invalidArgument } from '@tessera/platform/ddd';
import { type HttpServer, restRoutes } from '@tessera/platform/http';
import { operators } from '@tessera/platform/identity';
import type { CustomersCommands } from '../../application/commands.js';
import type { CustomersQueries } from '../../application/queries.js';
import { customersRoles } from '../../contract/roles.js';
import {
  changeSmsBody,
  customerResponse,
  idParams,
  newCustomerBody,
  problems,
  tags,
  toCustomerDto,
} from './schemas.js';

/** A customer's own record: the id asked for is theirs. */
const theCustomer = {
  roles: [customersRoles.customer],
  owner: async (request: { params: { id: string } }) => request.params.id,
};

/**
 * Every REST route of Customers under /api/customers. Anyone registers (with a login); the customer sees and
 * changes their own record; operators enable and disable. Authorization is a command only (the saga's).
 */
export function registerCustomersRoutes(
  http: HttpServer,
  { commands, queries }: { commands: CustomersCommands; queries: CustomersQueries },
) {
  const rest = restRoutes(http, { tags, problems });
  rest.post('/api/customers', 'registerCustomer', {
    audience: 'anyone',
    credentials: true,
    summary: 'Register a customer: with a username and password, they then get tokens at the token endpoint',
    description:
      'Anyone may register, giving a username and a password to log in with. Staff registering a customer ' +
      'at a desk may leave both out: the customer then has no login.',
    body: newCustomerBody,
    created: 'Registered',
    handler: ({ body: { username, password, ...customer }, principal }) => {
      const login = username !== undefined && password !== undefined ? { username, password } : undefined;
      if (!login && (principal === undefined || username !== undefined || password !== undefined)) {
        const missing = username === undefined ? 'username' : 'password';
        throw invalidArgument('login_required', `a registration gives a username and a password`, missing);
      }
      return commands.registerCustomer({ ...customer, ...(login && { login }) });
    },
  });

  rest.get('/api/customers/:id', 'getCustomer', {
    audience: theCustomer,
    summary: 'Get a customer',
    params: idParams,
    ok: customerResponse,
    handler: async (request) => ({ customer: toCustomerDto(await queries.getCustomer(request.params)) }),
  });

  rest.put('/api/customers/:id/enable', 'enableCustomer', {
    audience: operators,
    summary: 'Let a customer order again',
    params: idParams,
    noContent: 'The customer is enabled',
    handler: (request) => commands.enableCustomer(request.params),
  });

  rest.put('/api/customers/:id/disable', 'disableCustomer', {
    audience: operators,
    summary: 'Stop a customer ordering',
    params: idParams,
    noContent: 'The customer is disabled',
    handler: (request) => commands.disableCustomer(request.params),
  });

  rest.put('/api/customers/:id/change-sms', 'changeSmsNumber', {
    audience: theCustomer,
    summary: "Change a customer's SMS number",
    params: idParams,
    body: changeSmsBody,
    noContent: 'The customer has the new number',
    handler: (request) => commands.changeSmsNumber({ ...request.params, ...request.body }),
  });
}
