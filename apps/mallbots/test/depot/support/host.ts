import type { Envelope } from '@tessera/platform/messaging';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import type { Robots } from '../../../src/depot/application/robots.js';
import { SHOPPING_LIST_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { createDepotModule, type DepotModuleOptions } from '../../../src/depot/module.js';
import { createStoresModule } from '../../../src/stores/module.js';
import { type Recorder, recordMessages, testReplyChannel } from '../../payments/support/messages.js';

export { expectProblem, unknownId } from '@tessera/platform/testing';

export interface ShoppingListDto {
  id: string;
  orderId: string;
  status: string;
  stops: Array<{
    storeId: string;
    storeName: string;
    storeLocation: string;
    items: Array<{ productId: string; productName: string; quantity: number; outcome?: string }>;
  }>;
  createdAt: string;
}

export interface DepotHost extends TestHost {
  /** Replies on `replyChannel`, and the ShoppingList channel's messages. */
  readonly recorder: Recorder;
  readonly replyChannel: string;
  createStore(name?: string, location?: string): Promise<string>;
  addProduct(storeId: string, name?: string): Promise<string>;
  getShoppingList(id: string): Promise<ShoppingListDto>;
  /** Resolves once `check` holds, re-checking after each Stores message the depot caches have committed. */
  cacheSettles(check: () => Promise<boolean>): Promise<void>;
  /** Waits until the caches hold this product and its store. */
  cached(storeId: string, productId: string): Promise<void>;
  readonly cacheUpdates: Envelope[];
  /** The bots' operations, as the RPC adapter calls them. */
  readonly robots: Robots;
}

/**
 * One in-process host with Stores and Depot on a fresh database: Depot's caches fill from Stores' messages,
 * and its fallback asks this process's Stores directly.
 */
export async function startDepotHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  options: DepotModuleOptions = {},
): Promise<DepotHost> {
  const cacheUpdates: Envelope[] = [];
  const waiters = new Set<() => void>();
  let robots: Robots | undefined;
  const api = await startTestHost(
    backend,
    [
      createStoresModule(),
      createDepotModule({
        ...options,
        onRobots: (started) => {
          robots = started;
        },
        onCacheUpdate: (message) => {
          cacheUpdates.push(message);
          for (const wake of [...waiters]) wake();
        },
      }),
    ],
    { broker },
  );
  const replyChannel = testReplyChannel();
  const recorder = await recordMessages(api.host.broker, [replyChannel, SHOPPING_LIST_CHANNEL]);
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
  const has = async (table: string, id: string) =>
    (await api.db.query(`SELECT 1 FROM depot.${table} WHERE id = $1`, [id])).rows.length === 1;
  return {
    ...api,
    robots: robots!,
    recorder,
    replyChannel,
    cacheUpdates,
    cacheSettles,
    createStore: async (name = 'Corner Shop', location = 'Level 1') =>
      created(await api.call('POST', '/api/stores', { name, location })),
    addProduct: async (storeId, name = 'Widget') =>
      created(
        await api.call('POST', `/api/stores/${storeId}/products`, {
          name,
          description: 'A useful thing',
          sku: 'W-1',
          price: 9.99,
        }),
      ),
    async getShoppingList(id) {
      const response = await api.call('GET', `/api/depot/shopping/${id}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ shoppingList: ShoppingListDto }>().shoppingList;
    },
    cached: (storeId, productId) =>
      cacheSettles(
        async () => (await has('stores_cache', storeId)) && (await has('products_cache', productId)),
      ),
  };
}

export const HOST_START_MS = 120_000;
