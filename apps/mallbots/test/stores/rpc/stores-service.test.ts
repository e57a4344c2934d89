import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import { pgliteTestDatabase, unknownId } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoresService } from '../../../src/stores/contract/gen/mallbots/stores/v1/stores_pb.js';
import { type StoresHost, startStoresHost } from '../support/host.js';

async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
}

// What modules of other processes see of Stores: its RPC port, as a stock Connect client calls it.
describe('the StoresService RPC of the Stores module, on pglite', () => {
  let api: StoresHost;
  let client: ReturnType<typeof createClient<typeof StoresService>>;
  beforeAll(async () => {
    api = await startStoresHost(pgliteTestDatabase);
    client = createClient(
      StoresService,
      createConnectTransport({ baseUrl: api.host.rpcUrl!, httpVersion: '2' }),
    );
  }, 60_000);
  afterAll(() => api?.close());

  it('answers a store and a product, the price in whole cents', async () => {
    const storeId = await api.createStore('Pens', 'Level 3');
    const productId = await api.addProduct(storeId, { name: 'Fountain pen', sku: 'FP-1', price: 12.34 });
    expect((await client.getStore({ id: storeId.toUpperCase() })).store).toMatchObject({
      id: storeId,
      name: 'Pens',
      location: 'Level 3',
      participating: false,
    });
    expect((await client.getProduct({ id: productId })).product).toMatchObject({
      id: productId,
      storeId,
      name: 'Fountain pen',
      description: 'A useful widget',
      sku: 'FP-1',
      priceCents: 1234n,
    });
  });

  it('answers NOT_FOUND for an unknown store or product, and for a removed product', async () => {
    expect((await failure(client.getStore({ id: unknownId() }))).code).toBe(Code.NotFound);
    expect((await failure(client.getProduct({ id: unknownId() }))).code).toBe(Code.NotFound);
    const storeId = await api.createStore();
    const productId = await api.addProduct(storeId);
    expect((await api.call('DELETE', `/api/stores/products/${productId}`)).statusCode).toBe(204);
    expect((await failure(client.getProduct({ id: productId }))).code).toBe(Code.NotFound);
  });

  it('answers INVALID_ARGUMENT naming id for an id that is not a UUID', async () => {
    for (const call of [() => client.getStore({ id: 'nope' }), () => client.getProduct({ id: '' })]) {
      const error = await failure(call());
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.metadata.get(ERROR_FIELD_HEADER)).toBe('id');
    }
  });
});
