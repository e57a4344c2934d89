import type { Envelope } from '@tessera/platform/messaging';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { type BasketsModuleOptions, createBasketsModule } from '../../../src/baskets/module.js';
import { createStoresModule } from '../../../src/stores/module.js';
import { registeredCustomers } from '../../support/customers.js';

export { expectProblem, TEST_BODY_LIMIT as BODY_LIMIT, unknownId } from '@tessera/platform/testing';

export interface BasketView {
  id: string;
  customerId: string;
  status: string;
  paymentId?: string;
  items: Array<{
    storeId: string;
    productId: string;
    storeName: string;
    productName: string;
    price: number;
    quantity: number;
  }>;
  total: number;
}

export interface BasketsHost extends TestHost {
  createStore(name?: string): Promise<string>;
  addProduct(storeId: string, product?: { name?: string; price?: number }): Promise<string>;
  startBasket(customerId?: string): Promise<string>;
  getBasket(id: string): Promise<BasketView>;
  /**
   * Resolves once `check` holds, re-checking after each Stores message the baskets caches have committed (the
   * module's onCacheUpdate): no sleeping, and no polling between deliveries.
   */
  cacheSettles(check: () => Promise<boolean>): Promise<void>;
  /** Waits until the caches hold this product (and its store) as Stores published them. */
  cached(productId: string): Promise<void>;
  /** Every Stores message the caches handled, in commit order. */
  readonly cacheUpdates: Envelope[];
}

export const CUSTOMER = '7d3c1f0e-5b2a-4c8d-9e6f-1a2b3c4d5e6f';

/**
 * One in-process host with Stores and Baskets on a fresh database of the given backend: Baskets' caches fill
 * from Stores' messages through the embedded broker, and its fallback calls Stores' API on this host's own
 * address. Snapshots every 3 events, so baskets changed a few times also go through a snapshot.
 */
export async function startBasketsHost(
  backend: TestDatabase,
  options: BasketsModuleOptions = {},
  broker: TestBrokerKind = 'embedded',
): Promise<BasketsHost> {
  const cacheUpdates: Envelope[] = [];
  const waiters = new Set<() => void>();
  const api = await startTestHost(
    backend,
    [
      createStoresModule({ snapshotEvery: 3 }),
      createBasketsModule({
        snapshotEvery: 3,
        customers: registeredCustomers(CUSTOMER),
        ...options,
        onCacheUpdate: (message) => {
          cacheUpdates.push(message);
          for (const wake of waiters) wake();
        },
      }),
    ],
    { broker },
  );
  const created = async (response: Awaited<ReturnType<TestHost['call']>>) => {
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const cacheSettles = async (check: () => Promise<boolean>) => {
    for (;;) {
      // Listening before checking: a delivery committed while the check runs still wakes this loop.
      let wake!: () => void;
      const delivered = new Promise<void>((resolve) => {
        wake = resolve;
      });
      waiters.add(wake);
      try {
        if (await check()) return;
        await delivered;
      } finally {
        waiters.delete(wake);
      }
    }
  };
  const rowCount = async (sql: string, id: string) => (await api.db.query(sql, [id])).rows.length;
  return {
    ...api,
    cacheUpdates,
    cacheSettles,
    createStore: async (name = 'Corner Shop') =>
      created(await api.call('POST', '/api/stores', { name, location: 'Level 1' })),
    addProduct: async (storeId, product = {}) =>
      created(
        await api.call('POST', `/api/stores/${storeId}/products`, {
          name: product.name ?? 'Widget',
          description: 'A useful widget',
          sku: 'W-1',
          price: product.price ?? 9.99,
        }),
      ),
    startBasket: async (customerId = CUSTOMER) =>
      created(await api.call('POST', '/api/baskets', { customerId })),
    async getBasket(id) {
      const response = await api.call('GET', `/api/baskets/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ basket: BasketView }>().basket;
    },
    async cached(productId) {
      await cacheSettles(async () => {
        const product = await api.db.query<{ store_id: string }>(
          'SELECT store_id FROM baskets.products_cache WHERE id = $1 AND exact',
          [productId],
        );
        const storeId = product.rows[0]?.store_id;
        return (
          storeId !== undefined &&
          (await rowCount('SELECT 1 FROM baskets.stores_cache WHERE id = $1 AND exact', storeId)) === 1
        );
      });
    },
  };
}

/**
 * A host with two modules migrates two schemas and the broker's; on a loaded two-core machine a PGlite start
 * has taken over 30 s, so the hooks that start one get more than the default minute.
 */
export const HOST_START_MS = 120_000;
