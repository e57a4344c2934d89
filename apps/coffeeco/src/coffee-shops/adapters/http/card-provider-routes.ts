import { fromCents } from '@tessera/platform/ddd';
import { type HttpServer, restRoutes } from '@tessera/platform/http';
import { z } from 'zod';
import { chargeDescription } from '../cards/card-charge-service.js';
import type { FakeCardProvider } from '../cards/fake-provider.js';
import { tags } from './schemas.js';

const chargesQuery = z.object({
  purchaseId: z.uuid().toLowerCase().describe('The purchase the charges are for'),
});

const chargesResponse = z.object({
  charges: z.array(
    z.object({
      id: z.string(),
      amount: z.object({ amount: z.number(), currency: z.string() }),
      idempotencyKey: z.string(),
      created: z.string(),
    }),
  ),
});

/**
 * The fake card provider's dashboard, for operators (and the executable specifications): the charges it made
 * for a purchase, as a real provider's dashboard would show them. Only with `CARD_PROVIDER=fake`.
 */
export function registerCardProviderRoutes(http: HttpServer, provider: FakeCardProvider) {
  const rest = restRoutes(http, { tags });
  rest.get('/api/coffee-shops/card-provider/charges', 'listCardProviderCharges', {
    audience: { roles: [] },
    summary: "The fake card provider's charges for a purchase (operators only; CARD_PROVIDER=fake)",
    querystring: chargesQuery,
    ok: chargesResponse,
    handler: async ({ query }) => ({
      charges: provider.charges
        .filter((charge) => charge.description === chargeDescription(query.purchaseId))
        .map((charge) => ({
          id: charge.id,
          amount: { amount: fromCents(charge.amount), currency: charge.currency.toUpperCase() },
          idempotencyKey: charge.idempotencyKey,
          created: charge.created.toISOString(),
        })),
    }),
  });
}
