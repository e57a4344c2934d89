import type { HttpServer } from '@tessera/platform/http';
import type { PaymentsCommands } from '../../application/commands.js';
import type { PaymentsQueries } from '../../application/queries.js';
import {
  authorizeBody,
  created,
  idParams,
  invoiceResponse,
  noContent,
  paymentResponse,
  problems,
  tags,
  toInvoiceDto,
  toPaymentDto,
} from './schemas.js';

/**
 * Every REST route of Payments under /api/payments. Confirming a payment and creating or canceling an
 * invoice are messages only (the saga's command, Ordering's events).
 */
export function registerPaymentsRoutes(
  http: HttpServer,
  { commands, queries }: { commands: PaymentsCommands; queries: PaymentsQueries },
) {
  http.post(
    '/api/payments',
    {
      schema: {
        tags,
        operationId: 'authorizePayment',
        summary: "Authorize a payment: the card swipe at the kiosk holds an amount for the customer's order",
        body: authorizeBody,
        response: { 201: created, 400: problems.badRequest, 413: problems.tooLarge },
      },
    },
    async (request, reply) => {
      const { id } = await commands.authorizePayment(request.body);
      return reply.status(201).header('location', `/api/payments/${id}`).send({ id });
    },
  );

  http.get(
    '/api/payments/:id',
    {
      schema: {
        tags,
        operationId: 'getPayment',
        summary: 'Get an authorized payment',
        params: idParams,
        response: { 200: paymentResponse, 400: problems.badRequest, 404: problems.paymentNotFound },
      },
    },
    async (request) => ({ payment: toPaymentDto(await queries.getPayment(request.params)) }),
  );

  http.get(
    '/api/payments/invoices/:id',
    {
      schema: {
        tags,
        operationId: 'getInvoice',
        summary: "Get an order's invoice (its id is the order's)",
        params: idParams,
        response: { 200: invoiceResponse, 400: problems.badRequest, 404: problems.invoiceNotFound },
      },
    },
    async (request) => ({ invoice: toInvoiceDto(await queries.getInvoice(request.params)) }),
  );

  http.put(
    '/api/payments/invoices/:id/pay',
    {
      schema: {
        tags,
        operationId: 'payInvoice',
        summary: 'Pay a pending invoice at the depot (paying a paid one again changes nothing)',
        params: idParams,
        response: {
          204: noContent('The invoice is paid'),
          400: problems.badRequest,
          404: problems.invoiceNotFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      await commands.payInvoice(request.params);
      return reply.status(204).send();
    },
  );
}
