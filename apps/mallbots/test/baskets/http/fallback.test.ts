import { anyone } from '@tessera/platform/identity';
import { createLogger } from '@tessera/platform/observability';
import { createRpcServer, type RpcServer } from '@tessera/platform/rpc';
import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import {
  authBeside,
  authorizationFor,
  type OpenedTestDatabase,
  pgliteTestDatabase,
  type TestDatabase,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasketsModule } from '../../../src/baskets/module.js';
import { StoresService } from '../../../src/stores/contract/gen/mallbots/stores/v1/stores_pb.js';
import { type StoresHost, startStoresHost } from '../../stores/support/host.js';
import { registeredCustomers } from '../../support/customers.js';
import {
  type BasketsHost,
  type BasketView,
  CUSTOMER,
  expectProblem,
  HOST_START_MS,
  startBasketsHost,
  unknownId,
} from '../support/host.js';

describe.each(testDatabases)(
  'Baskets falls back to the Stores API on a cache miss, on $backend',
  (backend) => {
    let api: BasketsHost;
    beforeAll(async () => {
      api = await startBasketsHost(backend);
    }, HOST_START_MS);
    afterAll(() => api.close());

    const cachedProduct = async (id: string) =>
      (
        await api.db.query(
          'SELECT name, price_cents AS "priceCents", exact FROM baskets.products_cache WHERE id = $1',
          [id],
        )
      ).rows[0];

    it('fetches a product and its store missing from the caches, adds the item, and caches both', async () => {
      const storeId = await api.createStore('Lamp Shop');
      const productId = await api.addProduct(storeId, { name: 'Lamp', price: 25 });
      await api.cached(productId);
      await api.call('PUT', `/api/stores/products/${productId}/increasePrice`, { price: 27.5 });
      await api.cacheSettles(async () => (await cachedProduct(productId))?.priceCents === 2750);
      // As if the messages had not arrived yet.
      await api.db.query('DELETE FROM baskets.products_cache WHERE id = $1', [productId]);
      await api.db.query('DELETE FROM baskets.stores_cache WHERE id = $1', [storeId]);

      const id = await api.startBasket();
      expect(
        (await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 2 })).statusCode,
      ).toBe(204);
      expect((await api.getBasket(id)).items).toEqual([
        { storeId, productId, storeName: 'Lamp Shop', productName: 'Lamp', price: 27.5, quantity: 2 },
      ]);
      expect(await cachedProduct(productId)).toEqual({ name: 'Lamp', priceCents: 2750, exact: false });
      const store = await api.db.query('SELECT name, exact FROM baskets.stores_cache WHERE id = $1', [
        storeId,
      ]);
      expect(store.rows).toEqual([{ name: 'Lamp Shop', exact: false }]);
    });

    it('looks Stores up in the same transaction when the request carries an Idempotency-Key', async () => {
      const storeId = await api.createStore('Key Shop');
      const productId = await api.addProduct(storeId, { name: 'Key', price: 3 });
      await api.cached(productId);
      await api.db.query('DELETE FROM baskets.products_cache WHERE id = $1', [productId]);
      const id = await api.startBasket();
      const addTwice = async () =>
        api.host.http.inject({
          method: 'PUT',
          url: `/api/baskets/${id}/addItem`,
          headers: { 'idempotency-key': `add-${id}`, ...(await authorizationFor(api.host)) },
          payload: { productId, quantity: 2 },
        });
      // The whole request holds one transaction; with PGlite's single connection an HTTP call back to
      // Stores could not run inside it.
      expect((await addTwice()).statusCode).toBe(204);
      const replay = await addTwice();
      expect(replay.statusCode).toBe(204);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await api.getBasket(id)).items).toMatchObject([{ productId, quantity: 2, price: 3 }]);
    });

    it('answers 404 naming the product Stores does not know, and caches nothing', async () => {
      const id = await api.startBasket();
      const productId = unknownId();
      const body = expectProblem(
        await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }),
        404,
        {
          code: 'product_not_found',
        },
      );
      expect(body.detail).toContain(productId);
      expect(await cachedProduct(productId)).toBeUndefined();
    });

    it('answers 404 for a product removed from Stores', async () => {
      const storeId = await api.createStore();
      const productId = await api.addProduct(storeId);
      await api.cached(productId);
      await api.call('DELETE', `/api/stores/products/${productId}`);
      await api.cacheSettles(async () => (await cachedProduct(productId)) === undefined);
      const id = await api.startBasket();
      expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }), 404, {
        code: 'product_not_found',
      });
    });
  },
);

/**
 * A process running Baskets alone (the process-per-module topology): Stores is wherever `rpcServices` says,
 * on a database of its own. The embedded broker: no Stores message reaches it, only the RPC look-ups. Beside
 * another Stores process it trusts that process's identity provider, and calls it with a service client made
 * there, as the launcher's processes trust the identity process; otherwise it has a provider of its own.
 */
async function startBasketsAlone(
  backend: TestDatabase,
  rpcServices: ReadonlyMap<string, string>,
  beside?: StoresHost,
) {
  const opened: OpenedTestDatabase = await backend.open();
  const config = loadConfig({});
  const host: Host = await startHost({
    name: 'Baskets',
    version: 'test',
    // Customers is not what this is about: these customers are registered.
    modules: [createBasketsModule({ customers: registeredCustomers(CUSTOMER) })],
    db: opened.db,
    bootstrapOperator: false,
    config: {
      ...config,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      logFormat: 'json',
      rpcServices,
      auth: beside ? await authBeside(beside.host) : config.auth,
    },
  });
  // Issued once, at the start: a test may stop the process whose provider issued it.
  const headers = await authorizationFor(beside?.host ?? host);
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    host.http.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return {
    call,
    async startBasket() {
      const response = await call('POST', '/api/baskets', { customerId: CUSTOMER });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
    getBasket: async (id: string) =>
      (await call('GET', `/api/baskets/${id}`)).json<{ basket: BasketView }>().basket,
    async close() {
      await host.stop();
      await opened.close();
    },
  };
}

describe.each(testDatabases)('Baskets asks a Stores of another process over RPC, on $backend', (backend) => {
  let api: Awaited<ReturnType<typeof startBasketsAlone>>;
  let remote: StoresHost;
  beforeAll(async () => {
    remote = await startStoresHost(backend);
    api = await startBasketsAlone(backend, new Map([['stores', remote.host.rpcUrl!]]), remote);
  }, HOST_START_MS);
  afterAll(async () => {
    await api?.close();
    await remote?.close();
  });

  it("fetches what only the other process's Stores knows", async () => {
    // Not published to this process's broker: only the RPC look-up can find it.
    const storeId = await remote.createStore('Far Away Books');
    const productId = await remote.addProduct(storeId, { name: 'Atlas', price: 12.5 });
    const id = await api.startBasket();
    expect((await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 })).statusCode).toBe(
      204,
    );
    expect((await api.getBasket(id)).items).toEqual([
      { storeId, productId, storeName: 'Far Away Books', productName: 'Atlas', price: 12.5, quantity: 1 },
    ]);
  });

  it('answers 404 for a product the other Stores does not know (NOT_FOUND over RPC)', async () => {
    const id = await api.startBasket();
    const productId = unknownId();
    const body = expectProblem(
      await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }),
      404,
      { code: 'product_not_found' },
    );
    expect(body.detail).toContain(productId);
  });
});

describe.each(testDatabases)('Baskets when Stores cannot answer, on $backend', (backend) => {
  let api: Awaited<ReturnType<typeof startBasketsAlone>> | undefined;
  let stores: RpcServer | undefined;
  afterAll(async () => {
    await api?.close();
    await stores?.close(0);
  });

  it(
    'answers 503 when Stores fails with INTERNAL; the basket is unchanged',
    async () => {
      // A Stores that fails every call.
      stores = createRpcServer({ logger: createLogger({ level: 'silent', format: 'json' }) });
      let asked = 0;
      const fail = async () => {
        asked++;
        throw new Error('oops');
      };
      stores.registrar.service(StoresService, { getStore: fail, getProduct: fail }, { audience: anyone });
      const port = await stores.listen(0, '127.0.0.1');
      api = await startBasketsAlone(backend, new Map([['stores', `http://127.0.0.1:${port}`]]));
      const id = await api.startBasket();
      expectProblem(
        await api.call('PUT', `/api/baskets/${id}/addItem`, { productId: unknownId(), quantity: 1 }),
        503,
        { code: 'stores_unavailable', detail: /Internal/ },
      );
      // A server error is an answer: not retried.
      expect(asked).toBe(1);
      expect((await api.getBasket(id)).items).toEqual([]);
      await api.close();
      api = undefined;
    },
    HOST_START_MS,
  );

  it(
    'answers 503 when Stores refuses its token (UNAUTHENTICATED: it trusts another provider)',
    async () => {
      const remote = await startStoresHost(backend);
      try {
        // Its own provider's token: the other Stores does not trust it.
        api = await startBasketsAlone(backend, new Map([['stores', remote.host.rpcUrl!]]));
        const storeId = await remote.createStore('Elsewhere');
        const productId = await remote.addProduct(storeId, { name: 'Unreachable', price: 1 });
        const id = await api.startBasket();
        expectProblem(await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 }), 503, {
          code: 'stores_unavailable',
          detail: /Unauthenticated: the token/,
        });
        expect((await api.getBasket(id)).items).toEqual([]);
        await api.close();
        api = undefined;
      } finally {
        await remote.close();
      }
    },
    HOST_START_MS,
  );

  it(
    'answers 503 when the Stores process stops: retried, then the breaker fails fast',
    async () => {
      const remote = await startStoresHost(backend);
      api = await startBasketsAlone(backend, new Map([['stores', remote.host.rpcUrl!]]), remote);
      const storeId = await remote.createStore('Soon Gone');
      const productId = await remote.addProduct(storeId, { name: 'Last One', price: 1 });
      const id = await api.startBasket();
      expect(
        (await api.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 1 })).statusCode,
      ).toBe(204);
      await remote.close();

      const other = unknownId();
      // Four attempts (retried with backoff), then a fifth failure opens the breaker…
      for (let n = 0; n < 2; n++) {
        expectProblem(
          await api.call('PUT', `/api/baskets/${id}/addItem`, { productId: other, quantity: 1 }),
          503,
          {
            code: 'stores_unavailable',
            detail: /Unavailable/,
          },
        );
      }
      // …and the next look-up is not even tried.
      expectProblem(
        await api.call('PUT', `/api/baskets/${id}/addItem`, { productId: other, quantity: 1 }),
        503,
        {
          code: 'stores_unavailable',
          detail: /circuit open/,
        },
      );
      expect((await api.getBasket(id)).items).toMatchObject([{ productId, quantity: 1 }]);
      // Rules that need no look-up still answer as usual.
      expectProblem(
        await api.call('PUT', `/api/baskets/${id}/addItem`, { productId: other, quantity: 0 }),
        400,
        {
          code: 'item_quantity_not_positive',
        },
      );
    },
    HOST_START_MS,
  );
});

describe('Baskets with no Stores in its process and none configured, on pglite', () => {
  let api: Awaited<ReturnType<typeof startBasketsAlone>>;
  beforeAll(async () => {
    api = await startBasketsAlone(pgliteTestDatabase, new Map());
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('answers 503 saying where Stores should have been named', async () => {
    const id = await api.startBasket();
    expectProblem(
      await api.call('PUT', `/api/baskets/${id}/addItem`, { productId: unknownId(), quantity: 1 }),
      503,
      { code: 'stores_unavailable', detail: /not in this process and RPC_SERVICES names no address/ },
    );
  });
});
