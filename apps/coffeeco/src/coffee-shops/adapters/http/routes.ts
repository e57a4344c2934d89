import { mapPage, toCents } from '@tessera/platform/ddd';
import { type HttpServer, pageAnswer, pageRequest, restRoutes } from '@tessera/platform/http';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import type { CoffeeLovers } from '../../application/coffee-lovers.js';
import type { Stores } from '../../application/stores.js';
import { coffeeShopsRoles } from '../../contract/roles.js';
import {
  coffeeLoverDtoOf,
  coffeeLoverParams,
  coffeeLoverResponse,
  coffeeLoversPage,
  coffeeLoversQuery,
  discountBody,
  newCoffeeLoverBody,
  newStoreBody,
  problems,
  productsBody,
  quoteQuery,
  quoteResponse,
  storeDtoOf,
  storeParams,
  storeResponse,
  storesPage,
  storesQuery,
  tags,
  toCoffeeLoverDto,
  toQuoteDto,
  toStoreDto,
} from './schemas.js';

const { coffeeLover, barista, storeManager } = coffeeShopsRoles;

/** A store belongs to no coffee lover: every logged-in coffee lover may read every store. */
const everyoneLoggedIn = { roles: [coffeeLover, barista, storeManager], owner: async () => undefined };

/**
 * The coffee shops' people and places under /api/coffee-shops: coffee lovers register themselves (or a till
 * registers them); store managers open stores and say what they sell and their discount; anyone logged in reads
 * the stores and what items cost at one; the staff find a coffee lover by their email address.
 */
export function registerCoffeeShopsRoutes(
  http: HttpServer,
  { coffeeLovers, stores }: { coffeeLovers: CoffeeLovers; stores: Stores },
) {
  const rest = restRoutes(http, { tags, problems });

  rest.post('/api/coffee-shops/coffee-lovers', 'registerCoffeeLover', {
    audience: 'anyone',
    credentials: true,
    summary: 'Register as a coffee lover: the username and password then get tokens at the token endpoint',
    description: "The coffee lover's id is the subject of their tokens, with the coffee-lover role.",
    body: newCoffeeLoverBody,
    created: 'Registered',
    handler: ({ body }) => coffeeLovers.register(body),
  });

  rest.get('/api/coffee-shops/coffee-lovers', 'findCoffeeLovers', {
    audience: { roles: [barista, storeManager] },
    summary: 'The coffee lovers with an email address (a till finding its customer), first registered first',
    description: 'An email address is an attribute, not an identity (ENT-2): more than one may have it.',
    querystring: coffeeLoversQuery,
    ok: coffeeLoversPage,
    handler: async ({ query }) => {
      const page = pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));
      return pageAnswer(
        'coffeeLovers',
        mapPage(await coffeeLovers.findByEmail(query.email, page), coffeeLoverDtoOf),
      );
    },
  });

  rest.get('/api/coffee-shops/coffee-lovers/:coffeeLoverId', 'getCoffeeLover', {
    audience: {
      roles: [coffeeLover, barista, storeManager],
      owner: async (request) => request.params.coffeeLoverId,
    },
    summary: 'A coffee lover (themselves, or the staff)',
    params: coffeeLoverParams,
    ok: coffeeLoverResponse,
    handler: async ({ params }) => toCoffeeLoverDto(await coffeeLovers.get(params.coffeeLoverId)),
  });

  rest.post('/api/coffee-shops/stores', 'openStore', {
    audience: { roles: [storeManager] },
    summary: 'Open a store: it sells nothing and gives no discount until its manager says',
    body: newStoreBody,
    created: 'Opened',
    handler: ({ body }) => stores.open(body),
  });

  rest.get('/api/coffee-shops/stores', 'listStores', {
    audience: everyoneLoggedIn,
    summary: 'Every store, by location: what each sells at which price, and its discount',
    querystring: storesQuery,
    ok: storesPage,
    handler: async ({ query }) => {
      const page = pageRequest(query, 2, ([, id]) => isUuid(id!));
      return pageAnswer('stores', mapPage(await stores.list(page), storeDtoOf));
    },
  });

  rest.get('/api/coffee-shops/stores/:storeId', 'getStore', {
    audience: everyoneLoggedIn,
    summary: 'A store: where it is, what it sells at which price, and its discount',
    params: storeParams,
    ok: storeResponse,
    handler: async ({ params }) => toStoreDto(await stores.get(params.storeId)),
  });

  rest.get('/api/coffee-shops/stores/:storeId/quote', 'quoteStorePurchase', {
    audience: everyoneLoggedIn,
    summary:
      "What items cost at the store now, with its discount: the total a till's sale paid with money is charged",
    description:
      'Computed as a purchase computes its total (the sum, then the discount half-up to the cent), so a till ' +
      'shows what the purchase will charge. A purchase paid with CoffeeBux costs free drinks instead, one per item.',
    params: storeParams,
    querystring: quoteQuery,
    ok: quoteResponse,
    handler: async ({ params, query }) => toQuoteDto(await stores.getQuote(params.storeId, query.items)),
  });

  rest.put('/api/coffee-shops/stores/:storeId/products', 'setStoreProducts', {
    audience: { roles: [storeManager] },
    summary: 'What the store sells from now on, at which base price (purchases already made keep theirs)',
    params: storeParams,
    body: productsBody,
    ok: storeResponse,
    handler: async ({ params, body }) =>
      toStoreDto(
        await stores.sell(
          params.storeId,
          body.products.map(({ itemName, basePrice }) => ({
            itemName,
            basePriceCents: toCents(basePrice.amount),
          })),
        ),
      ),
  });

  rest.put('/api/coffee-shops/stores/:storeId/discount', 'setStoreDiscount', {
    audience: { roles: [storeManager] },
    summary: "The store's discount on every purchase from now on, a whole percent (0: none)",
    params: storeParams,
    body: discountBody,
    ok: storeResponse,
    handler: async ({ params, body }) => toStoreDto(await stores.giveDiscount(params.storeId, body.percent)),
  });
}
