import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createStoresModule, type StoresModuleOptions } from '../../../src/stores/module.js';

export { expectProblem, TEST_BODY_LIMIT as BODY_LIMIT, unknownId } from '@tessera/platform/testing';

export interface StoresHost extends TestHost {
  createStore(name?: string, location?: string): Promise<string>;
  addProduct(storeId: string, product?: Partial<NewProduct>): Promise<string>;
}

interface NewProduct {
  name: string;
  description: string;
  sku: string;
  price: number;
}

/**
 * One in-process host with the Stores module on a fresh database of the given backend. Snapshots are taken
 * every 3 events, so every test that changes an aggregate a few times also goes through a snapshot.
 */
export async function startStoresHost(
  backend: TestDatabase,
  options: StoresModuleOptions = { snapshotEvery: 3 },
  broker: TestBrokerKind = 'embedded',
): Promise<StoresHost> {
  const api = await startTestHost(backend, [createStoresModule(options)], { broker });
  const created = async (response: Awaited<ReturnType<TestHost['call']>>) => {
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  return {
    ...api,
    createStore: async (name = 'Corner Shop', location = 'Level 1') =>
      created(await api.call('POST', '/api/stores', { name, location })),
    addProduct: async (storeId, product = {}) =>
      created(
        await api.call('POST', `/api/stores/${storeId}/products`, {
          name: 'Widget',
          description: 'A useful widget',
          sku: 'W-1',
          price: 9.99,
          ...product,
        }),
      ),
  };
}
