import { type HttpServer, ownerFrom, restRoutes, whenUnavailable } from '@tessera/platform/http';
import { serviceRole } from '@tessera/platform/identity';
import { customersRoles } from '../../../customers/contract/roles.js';
import {
  CUSTOMERS_UNAVAILABLE,
  customersUnavailableResponse,
} from '../../../customers/contract/unavailable.js';
import type { BasketsCommands } from '../../application/commands.js';
import { StoresUnavailableError } from '../../application/ports.js';
import type { BasketsQueries } from '../../application/queries.js';
import {
  basketResponse,
  checkoutBody,
  checkoutNotFound,
  checkoutNotFoundResponse,
  checkoutResponse,
  idParams,
  itemBody,
  problems,
  startBasketBody,
  storesUnavailable,
  tags,
  toBasketDto,
} from './schemas.js';

/** Every REST route of Shopping Baskets under /api/baskets (spec §3.2). */
export function registerBasketsRoutes(
  http: HttpServer,
  { commands, queries }: { commands: BasketsCommands; queries: BasketsQueries },
) {
  // Stores or Customers not answering is a 503: the client may retry.
  const unavailable = [[StoresUnavailableError, 'stores_unavailable'], CUSTOMERS_UNAVAILABLE] as const;
  whenUnavailable(http, unavailable, (scope) => {
    const rest = restRoutes(scope, { tags, problems });
    // A customer starts baskets for themselves and works only on their own.
    const { customer } = customersRoles;
    const theirs = {
      roles: [customer],
      owner: ownerFrom(
        async (request: { params: { id: string } }) => (await queries.getBasket(request.params)).customerId,
      ),
    };
    rest.post('/api/baskets', 'startBasket', {
      audience: { roles: [customer], owner: async (request) => request.body.customerId },
      summary: 'Start a basket for a registered customer',
      body: startBasketBody,
      created: 'Started',
      problems: { 503: customersUnavailableResponse },
      handler: (request) => commands.startBasket(request.body),
    });

    rest.get('/api/baskets/:id', 'getBasket', {
      audience: theirs,
      summary: 'Get a basket: its items, status and total',
      params: idParams,
      ok: basketResponse,
      handler: async (request) => ({ basket: toBasketDto(await queries.getBasket(request.params)) }),
    });

    rest.put('/api/baskets/:id/addItem', 'addItem', {
      audience: theirs,
      summary: 'Add a quantity of a product to an open basket',
      params: idParams,
      body: itemBody,
      noContent: 'The item is in the basket',
      problems: { 503: storesUnavailable },
      handler: (request) => commands.addItem({ ...request.params, ...request.body }),
    });

    rest.put('/api/baskets/:id/removeItem', 'removeItem', {
      audience: theirs,
      summary: 'Take a quantity of a product out of an open basket (all of it, at most)',
      params: idParams,
      body: itemBody,
      noContent: 'The quantity is out of the basket (or was never in it)',
      handler: (request) => commands.removeItem({ ...request.params, ...request.body }),
    });

    rest.put('/api/baskets/:id/checkout', 'checkoutBasket', {
      audience: theirs,
      summary: 'Check out an open basket with an authorized payment',
      params: idParams,
      body: checkoutBody,
      noContent: 'The basket is checked out; the order follows',
      handler: (request) => commands.checkoutBasket({ ...request.params, ...request.body }),
    });

    rest.get('/api/baskets/:id/checkout', 'getBasketCheckout', {
      audience: { roles: [serviceRole] },
      summary: "A checked-out basket's checkout, as BasketCheckedOut carries it (for other modules)",
      description:
        'What Ordering asks between a checkout and the order it makes from it (BasketCheckouts, from another ' +
        'process). 404 `checkout_not_found` for a basket not checked out (unknown, open or canceled).',
      params: idParams,
      ok: checkoutResponse,
      problems: { 404: checkoutNotFoundResponse },
      handler: async (request) => {
        const checkout = await queries.findCheckout(request.params);
        if (!checkout) throw checkoutNotFound();
        return { checkout };
      },
    });

    rest.delete('/api/baskets/:id', 'cancelBasket', {
      audience: theirs,
      summary: 'Cancel an open basket',
      params: idParams,
      noContent: 'The basket is canceled and emptied',
      handler: (request) => commands.cancelBasket(request.params),
    });
  });
}
