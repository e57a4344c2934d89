import { randomUUID } from 'node:crypto';
import {
  type Answer,
  type MessageRecorder,
  recordMessages,
  signals,
  startTestHost,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { FakeCardProvider } from '../../src/coffee-shops/adapters/cards/fake-provider.js';
import { PURCHASE_CHANNEL } from '../../src/coffee-shops/contract/integration-events.js';
import type { PurchaseState } from '../../src/coffee-shops/domain/purchase.js';
import { type CoffeeShopsModuleOptions, createCoffeeShopsModule } from '../../src/coffee-shops/module.js';
import { type FreeDrinksService, LoyaltyUnavailableError } from '../../src/loyalty/contract/free-drinks.js';

/** A host migrates its schemas and the broker's; on a loaded two-core machine a PGlite start is slow. */
export const HOST_START_MS = 120_000;

export const STORE_MANAGER = { subject: 'store-manager-1', roles: ['store-manager'] };
export const BARISTA = { subject: 'barista-1', roles: ['barista'] };
export const coffeeLover = (subject: string) => ({ subject, roles: ['coffee-lover'] });

/**
 * Loyalty's free drinks as the coffee shops see them (its contract), in memory: each coffee lover's free drinks,
 * each purchase redeemed once.
 */
export function fakeFreeDrinks() {
  const available = new Map<string, number>();
  const state = { down: false };
  const redeemed = new Map<string, Awaited<ReturnType<FreeDrinksService['redeem']>>>();
  const service: FreeDrinksService = {
    async redeem({ purchaseId, coffeeLoverId, drinks }) {
      if (state.down) throw new LoyaltyUnavailableError('Loyalty is down (on purpose)');
      const earlier = redeemed.get(purchaseId);
      if (earlier) return earlier;
      const have = available.get(coffeeLoverId) ?? 0;
      const outcome =
        have < drinks
          ? {
              redeemed: false as const,
              reason: `not enough coffeeBux to cover entire purchase. Have ${have}, need ${drinks}`,
              freeDrinksAvailable: have,
            }
          : { redeemed: true as const, freeDrinksLeft: have - drinks };
      if (outcome.redeemed) available.set(coffeeLoverId, outcome.freeDrinksLeft);
      redeemed.set(purchaseId, outcome);
      return outcome;
    },
  };
  return {
    service,
    available,
    give: (coffeeLoverId: string, drinks: number) => available.set(coffeeLoverId, drinks),
    /** Loyalty stops answering (true), or answers again. */
    down: (down: boolean) => {
      state.down = down;
    },
  };
}

export interface ShopsHost extends TestHost {
  readonly provider: FakeCardProvider;
  readonly freeDrinks: ReturnType<typeof fakeFreeDrinks>;
  /** The purchases the module settled, each once committed. */
  readonly settled: ReturnType<typeof signals<PurchaseState>>;
  /** What the coffee shops published, as a test group receives it. */
  readonly published: MessageRecorder;
  /** Opens a store as its manager, selling these products (name, US cents), with this discount. */
  openStore(products: ReadonlyArray<readonly [string, number]>, discountPercent?: number): Promise<string>;
  /** Registers a coffee lover as anyone may, answering their id. */
  registerCoffeeLover(): Promise<string>;
}

/** One in-process host with the coffee shops, its own fake card provider and Loyalty, on a fresh database. */
export async function startShopsHost(
  backend: TestDatabase,
  options: CoffeeShopsModuleOptions = {},
): Promise<ShopsHost> {
  const provider = options.cardProvider ?? new FakeCardProvider();
  const freeDrinks = fakeFreeDrinks();
  const settled = signals<PurchaseState>();
  const api = await startTestHost(backend, [
    createCoffeeShopsModule({
      cardProvider: provider,
      freeDrinks: freeDrinks.service,
      onPurchaseSettled: settled.push,
      ...options,
    }),
  ]);
  const manager = api.as(STORE_MANAGER);
  return {
    ...api,
    provider,
    freeDrinks,
    settled,
    published: await recordMessages(api.host.broker, [PURCHASE_CHANNEL]),
    async openStore(products, discountPercent = 0) {
      const opened = await manager.call('POST', '/api/coffee-shops/stores', {
        location: 'Seattle, Pike Place',
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const { id } = opened.json<{ id: string }>();
      const sold = await manager.call('PUT', `/api/coffee-shops/stores/${id}/products`, {
        products: products.map(([itemName, cents]) => ({
          itemName,
          basePrice: { amount: cents / 100, currency: 'USD' },
        })),
      });
      expect(sold.statusCode, sold.body).toBe(200);
      if (discountPercent > 0) {
        const discounted = await manager.call('PUT', `/api/coffee-shops/stores/${id}/discount`, {
          percent: discountPercent,
        });
        expect(discounted.statusCode, discounted.body).toBe(200);
      }
      return id;
    },
    async registerCoffeeLover() {
      const response = await api.as('anonymous').call('POST', '/api/coffee-shops/coffee-lovers', {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        username: `ada-${randomUUID().slice(0, 8)}`,
        password: 'a long enough password',
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
  };
}

export interface PurchaseAnswer {
  purchase: {
    id: string;
    status: string;
    total: { amount: number; currency: string };
    chargeId?: string;
    coffeeLoverId?: string;
    failure?: { code: string; reason: string };
    items: Array<{ itemName: string; basePrice: { amount: number; currency: string } }>;
  };
}

export const purchaseOf = (answer: Answer) => answer.json<PurchaseAnswer>().purchase;
