import type { HttpServer } from '@tessera/platform/http';
import { ownerFrom, pageAnswer, pageRequest, problemResponse, restRoutes } from '@tessera/platform/http';
import { isTimestampKey } from '@tessera/platform/sql';
import type { Purchases } from '../../application/purchases.js';
import { coffeeShopsRoles } from '../../contract/roles.js';
import { withPaymentProblems } from './payment-problems.js';
import {
  coffeeLoverParams,
  coffeeLoverPurchasesQuery,
  problems,
  purchaseBody,
  purchaseParams,
  purchaseResponse,
  purchasesPage,
  tags,
  toPurchaseDto,
} from './schemas.js';

const { coffeeLover, barista, storeManager } = coffeeShopsRoles;

/**
 * Purchases under /api/coffee-shops/purchases: a till (a barista) or a coffee lover records one under the id its
 * client made, with PUT, so that the same request again is the same purchase (answered the same, paid once).
 */
export function registerPurchaseRoutes(http: HttpServer, purchases: Purchases) {
  withPaymentProblems(http, (scope) => {
    const rest = restRoutes(scope, { tags, problems });
    const ownerOfPurchase = ownerFrom((request: { params: { purchaseId: string } }) =>
      purchases.ownerOf(request.params.purchaseId),
    );

    rest.put('/api/coffee-shops/purchases/:purchaseId', 'recordPurchase', {
      audience: {
        roles: [barista, coffeeLover],
        // A coffee lover buys for themselves: the purchase already recorded under the id, else the one named.
        owner: async (request) =>
          (await ownerOfPurchase(request)) ?? request.body.coffeeLoverId ?? request.principal?.subject,
      },
      // The purchase is recorded pending and committed before the card is charged: the request must not be one
      // transaction (an Idempotency-Key would make it one). Its client-generated id is its idempotency key.
      idempotency: false,
      summary:
        'Record a purchase and pay for it; the same request again answers the same purchase, paid once',
      description:
        "The store's prices and discount apply. A card is charged once, with the purchase id as the provider's " +
        'idempotency key. 402: the payment was refused and the purchase failed (nothing was charged). 503: the ' +
        'payment has no outcome yet; the purchase is pending and is completed later, or by the same request again.',
      params: purchaseParams,
      body: purchaseBody,
      ok: purchaseResponse,
      problems: {
        402: problemResponse(
          'The payment was refused (code: card_declined, coffeebux_refused…): the purchase failed',
        ),
        409: problemResponse('Another purchase was already recorded under this id'),
        503: problemResponse(
          'The payment has no outcome yet: the purchase is pending; send the same request again',
        ),
      },
      handler: async ({ params, body, ownOnly, principal }) => {
        // A coffee lover's purchase is theirs even when they do not say so.
        const coffeeLoverId = body.coffeeLoverId ?? (ownOnly ? principal?.subject : undefined);
        const purchase = await purchases.record({
          purchaseId: params.purchaseId,
          storeId: body.storeId,
          items: body.items,
          means: body.means,
          ...(body.cardToken !== undefined && { cardToken: body.cardToken }),
          ...(coffeeLoverId !== undefined && { coffeeLoverId }),
        });
        return { purchase: toPurchaseDto(purchase) };
      },
    });

    rest.get('/api/coffee-shops/purchases/:purchaseId', 'getPurchase', {
      audience: { roles: [coffeeLover, barista, storeManager], owner: ownerOfPurchase },
      summary: 'A purchase: what was bought, the total, and whether it is paid',
      params: purchaseParams,
      ok: purchaseResponse,
      handler: async ({ params }) => ({ purchase: toPurchaseDto(await purchases.get(params.purchaseId)) }),
    });

    rest.get('/api/coffee-shops/coffee-lovers/:coffeeLoverId/purchases', 'listCoffeeLoverPurchases', {
      audience: {
        roles: [coffeeLover, barista, storeManager],
        owner: async (request) => request.params.coffeeLoverId,
      },
      summary: "A coffee lover's purchases, newest first",
      params: coffeeLoverParams,
      querystring: coffeeLoverPurchasesQuery,
      ok: purchasesPage,
      handler: async ({ params, query }) => {
        const page = pageRequest(query, 2, ([at]) => isTimestampKey(at ?? ''));
        const found = await purchases.ofCoffeeLover(params.coffeeLoverId, page);
        return pageAnswer('purchases', { ...found, items: found.items.map(toPurchaseDto) });
      },
    });
  });
}
