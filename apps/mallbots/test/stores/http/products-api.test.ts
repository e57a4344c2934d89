import { expectPagedList, testDatabases, walkPages } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type StoresHost, startStoresHost, unknownId } from '../support/host.js';

interface ProductDto {
  id: string;
  storeId: string;
  name: string;
  description: string;
  sku: string;
  price: number;
}

describe.each(testDatabases)('Stores API: products, on $backend', (backend) => {
  let api: StoresHost;
  let storeId: string;
  beforeAll(async () => {
    api = await startStoresHost(backend);
    storeId = await api.createStore('Gadget Store');
  });
  afterAll(() => api.close());

  const getProduct = async (id: string) => {
    const response = await api.call('GET', `/api/stores/products/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ product: ProductDto }>().product;
  };
  /** Every product of the store's catalog, page after page. */
  const catalog = async (id: string) =>
    (await walkPages(api, `/api/stores/${id}/products`, 'products', 100)).flatMap(
      (page) => page.items as unknown as ProductDto[],
    );
  const eventsOf = async (productId: string) =>
    (
      await api.db.query<{ event_type: string; data: unknown }>(
        'SELECT event_type, data FROM stores.events WHERE stream_name = $1 ORDER BY stream_version',
        [`stores.Product-${productId}`],
      )
    ).rows;
  const setPrice = (id: string, direction: 'increasePrice' | 'decreasePrice', price: number) =>
    api.call('PUT', `/api/stores/products/${id}/${direction}`, { price });

  describe('ST4 AddProduct', () => {
    it('answers 201 with the id and its Location; the product shows in the catalog and by id', async () => {
      const response = await api.call('POST', `/api/stores/${storeId}/products`, {
        name: ' Robot Arm ',
        description: ' Picks things up ',
        sku: ' RA-1 ',
        price: 19.99,
      });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(response.headers.location).toBe(`/api/stores/products/${id}`);
      const expected = {
        id,
        storeId,
        name: 'Robot Arm',
        description: 'Picks things up',
        sku: 'RA-1',
        price: 19.99,
      };
      expect(await getProduct(id)).toEqual(expected);
      expect(await catalog(storeId)).toContainEqual(expected);
      expect(await eventsOf(id)).toEqual([
        {
          event_type: 'stores.ProductAdded',
          data: { storeId, name: 'Robot Arm', description: 'Picks things up', sku: 'RA-1', priceCents: 1999 },
        },
      ]);
    });

    it('keeps prices exact: 0.29 is stored as 29 cents and read back as 0.29', async () => {
      const id = await api.addProduct(storeId, { price: 0.29 });
      expect((await eventsOf(id))[0]?.data).toMatchObject({ priceCents: 29 });
      expect((await getProduct(id)).price).toBe(0.29);
    });

    it('refuses a blank name', async () => {
      expectProblem(
        await api.call('POST', `/api/stores/${storeId}/products`, {
          name: ' ',
          description: 'Nothing',
          sku: 'X',
          price: 1,
        }),
        400,
        { code: 'product_name_blank', detail: 'the product name cannot be blank', field: 'body.name' },
      );
    });

    it.each([
      ['sku', 'product_sku_blank', 'the product SKU cannot be blank'],
      ['description', 'product_description_blank', 'the product description cannot be blank'],
    ])('refuses a blank %s, naming it, and records nothing', async (field, code, detail) => {
      for (const blank of ['', '   ']) {
        const body = { name: 'Blank', description: 'Something', sku: 'B-1', price: 1, [field]: blank };
        expectProblem(await api.call('POST', `/api/stores/${storeId}/products`, body), 400, {
          code,
          detail,
          field: `body.${field}`,
        });
      }
      expect((await catalog(storeId)).map((product) => product.name)).not.toContain('Blank');
    });

    it('refuses a negative price with 400 "the product price cannot be negative"', async () => {
      expectProblem(
        await api.call('POST', `/api/stores/${storeId}/products`, {
          name: 'Refund',
          description: 'Money back',
          sku: 'R',
          price: -0.01,
        }),
        400,
        {
          code: 'product_price_negative',
          detail: 'the product price cannot be negative',
          field: 'body.price',
        },
      );
    });

    it('refuses a price with 3 decimal places, naming body.price', async () => {
      const body = { name: 'Exact', description: 'To the cent', sku: 'E', price: 1.005 };
      expectProblem(await api.call('POST', `/api/stores/${storeId}/products`, body), 400, {
        code: 'invalid_request',
        field: 'body.price',
        detail: 'body.price: must have at most 2 decimal places',
      });
    });

    it('lists only the products of the store asked for', async () => {
      const otherStore = await api.createStore('Other Store');
      expect(await catalog(otherStore)).toEqual([]);
      const id = await api.addProduct(otherStore, { name: 'Only Here' });
      expect((await catalog(otherStore)).map((product) => product.id)).toEqual([id]);
      expect((await catalog(storeId)).map((product) => product.id)).not.toContain(id);
    });
  });

  describe('listing a catalog a page at a time', () => {
    it('pages the products by name: 50 unless asked, at most 100, and every product once', async () => {
      const store = await api.createStore('Big Catalog');
      const added: string[] = [];
      for (let n = 0; n < 51; n++) {
        added.push(await api.addProduct(store, { name: `Item ${String(n).padStart(2, '0')}` }));
      }
      expect(
        await expectPagedList(api, `/api/stores/${store}/products`, 'products', { atLeast: 51 }),
      ).toEqual(added);
      expectProblem(await api.call('GET', `/api/stores/${unknownId()}/products?limit=5`), 404, {
        code: 'store_not_found',
      });
    });
  });

  describe('ST5 price changes', () => {
    it('raises and lowers the price, events carry the delta in cents, and the catalog shows the new price', async () => {
      const id = await api.addProduct(storeId, { price: 10 });
      expect((await setPrice(id, 'increasePrice', 12.5)).statusCode).toBe(204);
      expect((await getProduct(id)).price).toBe(12.5);
      expect((await setPrice(id, 'decreasePrice', 0.1)).statusCode).toBe(204);
      expect((await getProduct(id)).price).toBe(0.1);
      expect((await catalog(storeId)).find((product) => product.id === id)?.price).toBe(0.1);
      expect((await eventsOf(id)).slice(1)).toEqual([
        { event_type: 'stores.ProductPriceIncreased', data: { deltaCents: 250 } },
        { event_type: 'stores.ProductPriceDecreased', data: { deltaCents: -1240 } },
      ]);
    });

    it('refuses an increase to a lower price and a decrease to a higher one, with the spec messages', async () => {
      const id = await api.addProduct(storeId, { price: 5 });
      expectProblem(await setPrice(id, 'increasePrice', 4.99), 409, {
        code: 'price_change_is_decrease',
        detail: 'the price change would be a decrease',
      });
      expectProblem(await setPrice(id, 'decreasePrice', 5.01), 409, {
        code: 'price_change_is_increase',
        detail: 'the price change would be an increase',
      });
      expectProblem(await setPrice(id, 'decreasePrice', -1), 400, { code: 'product_price_negative' });
      expect((await getProduct(id)).price).toBe(5);
      expect(await eventsOf(id)).toHaveLength(1);
    });

    it('accepts the same price either way as no change: 204 and no event', async () => {
      const id = await api.addProduct(storeId, { price: 7.5 });
      expect((await setPrice(id, 'increasePrice', 7.5)).statusCode).toBe(204);
      expect((await setPrice(id, 'decreasePrice', 7.5)).statusCode).toBe(204);
      expect(await eventsOf(id)).toHaveLength(1);
    });
  });

  describe('ST6 RebrandProduct and RemoveProduct', () => {
    it('rebrands name and description', async () => {
      const id = await api.addProduct(storeId);
      const response = await api.call('PUT', `/api/stores/products/${id}/rebrand`, {
        name: 'Widget Pro',
        description: 'Now with more widget',
      });
      expect(response.statusCode).toBe(204);
      expect(await getProduct(id)).toMatchObject({ name: 'Widget Pro', description: 'Now with more widget' });
    });

    it('refuses a blank name or description on rebrand', async () => {
      const id = await api.addProduct(storeId);
      expectProblem(
        await api.call('PUT', `/api/stores/products/${id}/rebrand`, { name: '', description: 'x' }),
        400,
        { code: 'product_name_blank', detail: 'the product name cannot be blank' },
      );
      expectProblem(
        await api.call('PUT', `/api/stores/products/${id}/rebrand`, { name: 'Widget', description: ' ' }),
        400,
        { code: 'product_description_blank', field: 'body.description' },
      );
      expect((await eventsOf(id)).map((event) => event.event_type)).toEqual(['stores.ProductAdded']);
    });

    it('removes with a ProductRemoved event: gone from the catalog, GET is 404, later commands are 404', async () => {
      const id = await api.addProduct(storeId);
      expect((await api.call('DELETE', `/api/stores/products/${id}`)).statusCode).toBe(204);
      expect((await eventsOf(id)).map((event) => event.event_type)).toEqual([
        'stores.ProductAdded',
        'stores.ProductRemoved',
      ]);
      expect((await catalog(storeId)).map((product) => product.id)).not.toContain(id);
      const { rows } = await api.db.query('SELECT 1 FROM stores.products WHERE id = $1', [id]);
      expect(rows).toEqual([]);

      const productNotFound = { code: 'product_not_found', detail: 'product with that ID does not exist' };
      expectProblem(await api.call('GET', `/api/stores/products/${id}`), 404, productNotFound);
      expectProblem(await api.call('DELETE', `/api/stores/products/${id}`), 404, productNotFound);
      expectProblem(await setPrice(id, 'increasePrice', 100), 404, productNotFound);
      expectProblem(
        await api.call('PUT', `/api/stores/products/${id}/rebrand`, { name: 'Back', description: 'Again' }),
        404,
        productNotFound,
      );
    });
  });

  describe('ST8 products and stores that do not exist', () => {
    it('refuses to add a product to an unknown store with 404, and records nothing', async () => {
      const ghost = unknownId();
      expectProblem(
        await api.call('POST', `/api/stores/${ghost}/products`, {
          name: 'X',
          description: 'Nowhere',
          sku: 'X-1',
          price: 1,
        }),
        404,
        { code: 'store_not_found', detail: 'store with that ID does not exist' },
      );
      const { rows } = await api.db.query(
        `SELECT 1 FROM stores.events WHERE event_type = 'stores.ProductAdded' AND data->>'storeId' = $1`,
        [ghost],
      );
      expect(rows).toEqual([]);
    });

    it.each([
      ['GET', ''],
      ['DELETE', ''],
      ['PUT', '/rebrand', { name: 'X', description: 'Y' }],
      ['PUT', '/increasePrice', { price: 1 }],
      ['PUT', '/decreasePrice', { price: 1 }],
    ] as const)(
      '%s /api/stores/products/:id%s on an unknown product answers 404',
      async (method, suffix, body?) => {
        const id = unknownId();
        expectProblem(await api.call(method, `/api/stores/products/${id}${suffix}`, body), 404, {
          code: 'product_not_found',
          detail: 'product with that ID does not exist',
        });
        expect(await eventsOf(id)).toEqual([]);
      },
    );
  });
});
