import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { bearerToken, ERROR_CODE_HEADER, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import { pgliteTestDatabase, TEST_OPERATOR, unknownId } from '@tessera/platform/testing';
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

// What modules of other processes see of Stores: its RPC port, as a stock Connect client calls it with a
// module's service token.
describe('the StoresService RPC of the Stores module, on pglite', () => {
  let api: StoresHost;
  let client: ReturnType<typeof createClient<typeof StoresService>>;
  /** A stock client calling as whoever `token` stands for (no one: no token). */
  const clientAs = (token?: () => Promise<string>) =>
    createClient(
      StoresService,
      createConnectTransport({
        baseUrl: api.host.rpcUrl!,
        httpVersion: '2',
        ...(token ? { interceptors: [bearerToken(token)] } : {}),
      }),
    );
  beforeAll(async () => {
    api = await startStoresHost(pgliteTestDatabase);
    client = clientAs(api.host.serviceToken);
  }, 60_000);
  afterAll(() => api?.close());

  it('admits the other modules (the service role) and operators only', async () => {
    const storeId = await api.createStore('Guarded', 'Level 1');
    expect((await failure(clientAs().getStore({ id: storeId }))).code).toBe(Code.Unauthenticated);
    for (const who of [
      { subject: unknownId(), roles: ['customer'] },
      { subject: 'manager-1', roles: ['store-manager'] },
      { subject: unknownId(), roles: ['robot'], client: true },
    ]) {
      const refused = await failure(clientAs(() => api.tokenFor(who)).getStore({ id: storeId }));
      expect(refused.code, who.roles[0]).toBe(Code.PermissionDenied);
      expect(refused.metadata.get(ERROR_CODE_HEADER)).toBe('forbidden');
    }
    const bad = await failure(clientAs(async () => 'not.a.token').getProduct({ id: unknownId() }));
    expect(bad.code).toBe(Code.Unauthenticated);
    expect((await clientAs(() => api.tokenFor(TEST_OPERATOR)).getStore({ id: storeId })).store?.name).toBe(
      'Guarded',
    );
    expect((await client.getStore({ id: storeId })).store?.name).toBe('Guarded');
  });

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
