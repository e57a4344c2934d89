import { type HttpServer, ownerFrom, restRoutes, whenUnavailable } from '@tessera/platform/http';
import { customersRoles } from '../../../customers/contract/roles.js';
import {
  CUSTOMERS_UNAVAILABLE,
  customersUnavailableResponse,
} from '../../../customers/contract/unavailable.js';
import { depotRoles } from '../../../depot/contract/roles.js';
import type { PaymentsCommands } from '../../application/commands.js';
import type { PaymentsQueries } from '../../application/queries.js';
import {
  authorizeBody,
  idParams,
  invoiceNotFound,
  invoiceResponse,
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
  // Customers not answering is a 503: the client may retry.
  whenUnavailable(http, [CUSTOMERS_UNAVAILABLE], (scope) => registerRoutes(scope, { commands, queries }));
}

function registerRoutes(
  http: HttpServer,
  { commands, queries }: { commands: PaymentsCommands; queries: PaymentsQueries },
) {
  const rest = restRoutes(http, { tags, problems });
  const { customer } = customersRoles;
  const ownerOfPayment = async (id: string) => (await queries.getPayment({ id })).customerId;
  // An invoice is the customer's whose payment it settles.
  const ownerOfInvoice = ownerFrom(async (request: { params: { id: string } }) =>
    ownerOfPayment((await queries.getInvoice(request.params)).paymentId),
  );
  rest.post('/api/payments', 'authorizePayment', {
    audience: { roles: [customer], owner: async (request) => request.body.customerId },
    summary:
      "Authorize a payment: the card swipe at the kiosk holds an amount for a registered customer's order",
    body: authorizeBody,
    created: 'Authorized',
    problems: { 503: customersUnavailableResponse },
    handler: (request) => commands.authorizePayment(request.body),
  });

  rest.get('/api/payments/:id', 'getPayment', {
    audience: {
      roles: [customer],
      owner: ownerFrom(async (request: { params: { id: string } }) => ownerOfPayment(request.params.id)),
    },
    summary: 'Get an authorized payment',
    params: idParams,
    ok: paymentResponse,
    handler: async (request) => ({ payment: toPaymentDto(await queries.getPayment(request.params)) }),
  });

  rest.get('/api/payments/invoices/:id', 'getInvoice', {
    audience: { roles: [customer, depotRoles.depotStaff], owner: ownerOfInvoice },
    summary: "Get an order's invoice (its id is the order's)",
    params: idParams,
    ok: invoiceResponse,
    problems: { 404: invoiceNotFound },
    handler: async (request) => ({ invoice: toInvoiceDto(await queries.getInvoice(request.params)) }),
  });

  rest.put('/api/payments/invoices/:id/pay', 'payInvoice', {
    audience: { roles: [customer, depotRoles.depotStaff], owner: ownerOfInvoice },
    summary: 'Pay a pending invoice at the depot (paying a paid one again changes nothing)',
    params: idParams,
    noContent: 'The invoice is paid',
    problems: { 404: invoiceNotFound },
    handler: (request) => commands.payInvoice(request.params),
  });
}
