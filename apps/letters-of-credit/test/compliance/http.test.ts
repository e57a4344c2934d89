import { randomUUID } from 'node:crypto';
import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectPagedList,
  expectProblem,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceModule } from '../../src/compliance/module.js';
import { submitted } from '../support/partners.js';
import { type ComplianceHost, HOST_START_MS, PRODUCT_ANALYST, startComplianceHost } from './support.js';

const TRADE_FINANCE = { subject: 'manager-1', roles: ['trade-finance-manager'] };
const APPLICANT = { subject: randomUUID(), roles: ['applicant'] };
const CREDIT_ANALYST = { subject: 'credit-1', roles: ['credit-analyst'] };

describe.each(testDatabases)('Compliance API, on $backend', (backend) => {
  let api: ComplianceHost;
  beforeAll(async () => {
    api = await startComplianceHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const analyst = () => api.as(PRODUCT_ANALYST);
  const put = (id: string, body: object) => analyst().call('PUT', `/api/compliance/products/${id}`, body);

  describe('the product register', () => {
    it('registers a product, and registers it again with a change; the category is kept in lower case', async () => {
      const id = randomUUID();
      const first = await put(id.toUpperCase(), {
        name: ' Looms ',
        category: 'Machinery',
        referencePrice: 1200.5,
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual({
        product: { id, name: 'Looms', category: 'machinery', referencePrice: 1200.5 },
      });
      const changed = await put(id, { name: 'Power looms', category: 'machinery' });
      expect(changed.json()).toEqual({ product: { id, name: 'Power looms', category: 'machinery' } });
      const { rows } = await api.db.query(
        'SELECT name, reference_price_cents FROM lc_compliance.products WHERE id = $1',
        [id],
      );
      expect(rows).toEqual([{ name: 'Power looms', reference_price_cents: null }]);
    });

    it('refuses a blank name or category, and a reference price that is not a positive amount, naming the field', async () => {
      const id = randomUUID();
      expectProblem(await put(id, { name: ' ', category: 'textiles' }), 400, {
        code: 'product_name_blank',
        field: 'body.name',
      });
      expectProblem(await put(id, { name: 'Silk', category: '  ' }), 400, {
        code: 'product_category_blank',
        field: 'body.category',
      });
      for (const referencePrice of [0, -5, 1.005]) {
        expectProblem(await put(id, { name: 'Silk', category: 'textiles', referencePrice }), 400, {
          field: 'body.referencePrice',
        });
      }
      expectProblem(await put('silk', { name: 'Silk', category: 'textiles' }), 400, {
        field: 'params.productId',
      });
      const { rows } = await api.db.query('SELECT 1 FROM lc_compliance.products WHERE id = $1', [id]);
      expect(rows).toEqual([]);
    });

    it('lists the register by name, a page at a time', async () => {
      for (let n = 0; n < 51; n++) {
        await api.registerProduct(randomUUID(), {
          name: `Product ${String(n).padStart(2, '0')}`,
          category: 'misc',
        });
      }
      await expectPagedList(api, '/api/compliance/products', 'products', { atLeast: 51 });
      const first = (await analyst().call('GET', '/api/compliance/products?limit=100')).json<{
        products: Array<{ name: string }>;
      }>();
      const names = first.products.map((product) => product.name);
      expect(names).toEqual([...names].sort());
    });
  });

  describe('the approved products (what an applicant may name in merchandise)', () => {
    it('lists registered products in no prohibited category, ids and names only, by name, to applicants and the desk', async () => {
      const tag = randomUUID().slice(0, 8);
      const silk = randomUUID();
      const looms = randomUUID();
      const opium = randomUUID();
      await api.registerProduct(silk, { name: `${tag} Silk`, category: 'textiles', referencePrice: 12 });
      await api.registerProduct(looms, { name: `${tag} Looms`, category: 'machinery' });
      await api.registerProduct(opium, { name: `${tag} Opium`, category: 'Narcotics' });
      for (const who of [APPLICANT, TRADE_FINANCE, PRODUCT_ANALYST]) {
        const response = await api.as(who).call('GET', '/api/compliance/approved-products?limit=100');
        expect(response.statusCode, response.body).toBe(200);
        const { products } = response.json<{ products: Array<{ id: string; name: string }> }>();
        expect(products.filter((product) => product.name.startsWith(tag))).toEqual([
          { id: looms, name: `${tag} Looms` },
          { id: silk, name: `${tag} Silk` },
        ]);
        expect(products.map((product) => product.id)).not.toContain(opium);
      }
    });

    it('pages past the prohibited products rather than answering short pages', async () => {
      for (let n = 0; n < 3; n++) {
        await api.registerProduct(randomUUID(), { name: `Approved ${n}`, category: 'misc' });
        await api.registerProduct(randomUUID(), { name: `Approved ${n} (banned)`, category: 'narcotics' });
      }
      const pages: Array<{ products: Array<{ name: string }>; next?: string }> = [];
      let after: string | undefined;
      do {
        const query = `limit=2${after ? `&after=${after}` : ''}`;
        const response = await api.as(APPLICANT).call('GET', `/api/compliance/approved-products?${query}`);
        pages.push(response.json());
        after = pages.at(-1)?.next;
      } while (after);
      const names = pages.flatMap((page) => page.products.map((product) => product.name));
      expect(names).toEqual(expect.arrayContaining(['Approved 0', 'Approved 1', 'Approved 2']));
      expect(names.filter((name) => name.includes('banned'))).toEqual([]);
      for (const page of pages.slice(0, -1)) expect(page.products).toHaveLength(2);
      await expectPagedList(api, '/api/compliance/approved-products', 'products', { atLeast: 3 });
    });
  });

  describe('the product checks', () => {
    it('answers the decisions to analysts and to the trade-finance desk, and 404 before there are any', async () => {
      const message = submitted({ merchandise: { items: [{ productId: randomUUID(), quantity: 1 }] } });
      const { lcApplicationId } = message.data;
      const url = `/api/compliance/product-checks/${lcApplicationId}`;
      expectProblem(await analyst().call('GET', url), 404, { code: 'product_checks_not_found' });
      await api.host.broker.publish([message]);
      await api.handled.until((handled) => handled.some((one) => one.id === message.id));
      for (const who of [PRODUCT_ANALYST, TRADE_FINANCE]) {
        const response = await api.as(who).call('GET', url);
        expect(response.statusCode, response.body).toBe(200);
        expect(response.json()).toMatchObject({ lcApplicationId, legality: { approved: false } });
      }
    });
  });

  describe('who may call', () => {
    const routes = [
      ['PUT', `/api/compliance/products/${unknownId()}`, { name: 'Silk', category: 'textiles' }],
      ['GET', '/api/compliance/products', undefined],
      ['GET', `/api/compliance/product-checks/${unknownId()}`, undefined],
    ] as const;

    it('refuses anonymous callers and credit analysts the approved products', async () => {
      expectProblem(await api.as('anonymous').call('GET', '/api/compliance/approved-products'), 401);
      expectProblem(await api.as(CREDIT_ANALYST).call('GET', '/api/compliance/approved-products'), 403);
    });

    it('refuses anonymous callers with 401 on every route', async () => {
      for (const [method, url, body] of routes) {
        expectProblem(await api.as('anonymous').call(method, url, body), 401);
      }
    });

    it('refuses applicants and credit analysts with 403 on every route, and the desk the register', async () => {
      for (const who of [APPLICANT, CREDIT_ANALYST]) {
        for (const [method, url, body] of routes)
          expectProblem(await api.as(who).call(method, url, body), 403);
      }
      for (const [method, url, body] of routes.slice(0, 2)) {
        expectProblem(await api.as(TRADE_FINANCE).call(method, url, body), 403);
      }
    });
  });

  describeBadRequests(
    () => api,
    [
      {
        method: 'PUT',
        path: `/api/compliance/products/${randomUUID()}`,
        body: { name: 'Silk', category: 'textiles' },
      },
      {
        method: 'GET',
        path: '/api/compliance/product-checks/:lcApplicationId',
        notFound: { code: 'product_checks_not_found' },
      },
    ],
  );

  it('documents every route, with its problems, and the ProductChecks channel in the AsyncAPI document', async () => {
    const operations = await expectDocumentedRoutes(api, complianceModule, '/api/compliance', [
      '/api/compliance/approved-products',
      '/api/compliance/products',
      '/api/compliance/products/{productId}',
      '/api/compliance/product-checks/{lcApplicationId}',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'getProductChecks',
      'listApprovedProducts',
      'listProducts',
      'registerProduct',
    ]);
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    for (const name of [
      'letters-of-credit.compliance.events.ProductChecks',
      'compliance.ProductValueValidated',
      'compliance.ProductLegalityValidated',
    ]) {
      expect(document).toContain(name);
    }
  });
});
