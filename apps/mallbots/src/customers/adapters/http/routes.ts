import type { HttpServer } from '@tessera/platform/http';
import type { CustomersCommands } from '../../application/commands.js';
import type { CustomersQueries } from '../../application/queries.js';
import {
  changeSmsBody,
  created,
  customerResponse,
  idParams,
  newCustomerBody,
  noContent,
  problems,
  tags,
  toCustomerDto,
} from './schemas.js';

/** Every REST route of Customers under /api/customers. Authorization is a command only (the saga's). */
export function registerCustomersRoutes(
  http: HttpServer,
  { commands, queries }: { commands: CustomersCommands; queries: CustomersQueries },
) {
  http.post(
    '/api/customers',
    {
      schema: {
        tags,
        operationId: 'registerCustomer',
        summary: 'Register a customer',
        body: newCustomerBody,
        response: { 201: created, 400: problems.badRequest, 413: problems.tooLarge },
      },
    },
    async (request, reply) => {
      const { id } = await commands.registerCustomer(request.body);
      return reply.status(201).header('location', `/api/customers/${id}`).send({ id });
    },
  );

  http.get(
    '/api/customers/:id',
    {
      schema: {
        tags,
        operationId: 'getCustomer',
        summary: 'Get a customer',
        params: idParams,
        response: { 200: customerResponse, 400: problems.badRequest, 404: problems.notFound },
      },
    },
    async (request) => ({ customer: toCustomerDto(await queries.getCustomer(request.params)) }),
  );

  http.put(
    '/api/customers/:id/enable',
    {
      schema: {
        tags,
        operationId: 'enableCustomer',
        summary: 'Let a customer order again',
        params: idParams,
        response: {
          204: noContent('The customer is enabled'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      await commands.enableCustomer(request.params);
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/customers/:id/disable',
    {
      schema: {
        tags,
        operationId: 'disableCustomer',
        summary: 'Stop a customer ordering',
        params: idParams,
        response: {
          204: noContent('The customer is disabled'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      await commands.disableCustomer(request.params);
      return reply.status(204).send();
    },
  );

  http.put(
    '/api/customers/:id/change-sms',
    {
      schema: {
        tags,
        operationId: 'changeSmsNumber',
        summary: "Change a customer's SMS number",
        params: idParams,
        body: changeSmsBody,
        response: {
          204: noContent('The customer has the new number'),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
          413: problems.tooLarge,
        },
      },
    },
    async (request, reply) => {
      await commands.changeSmsNumber({ ...request.params, ...request.body });
      return reply.status(204).send();
    },
  );
}
