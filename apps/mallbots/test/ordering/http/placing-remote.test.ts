import { type Host, startHost } from '@tessera/platform/runtime';
import {
  authBeside,
  authorizationFor,
  expectProblem,
  type OpenedTestDatabase,
  startTestHost,
  type TestHost,
  testConfig,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBasketsModule } from '../../../src/baskets/module.js';
import { createCustomersModule } from '../../../src/customers/module.js';
import { createOrderingModule } from '../../../src/ordering/module.js';
import { createStoresModule } from '../../../src/stores/module.js';
import { HOST_START_MS } from '../support/host.js';

// Ordering in a process of its own (the process-per-module topology), Baskets in another, on its own database
// and broker: no checkout message ever reaches this Ordering, so its orders stay "being placed", and it asks
// Baskets over HTTP, at the address HTTP_SERVICES gives, with its service token.
describe.each(testDatabases)(
  'Ordering asks a Baskets of another process over HTTP, on $backend',
  (backend) => {
    let baskets: TestHost | undefined;
    let opened: OpenedTestDatabase;
    let ordering: Host;
    let customerId: string;
    let productId: string;

    beforeAll(async () => {
      baskets = await startTestHost(backend, [
        createStoresModule(),
        createCustomersModule(),
        createBasketsModule(),
      ]);
      opened = await backend.open();
      ordering = await startHost({
        name: 'Ordering',
        version: 'test',
        modules: [createOrderingModule()],
        db: opened.db,
        bootstrapOperator: false,
        config: {
          ...testConfig(),
          httpServices: new Map([['baskets', baskets.host.url]]),
          auth: await authBeside(baskets.host),
        },
      });
      const created = async (response: Awaited<ReturnType<TestHost['call']>>) => {
        expect(response.statusCode, response.body).toBe(201);
        return response.json<{ id: string }>().id;
      };
      customerId = await created(
        await baskets.call('POST', '/api/customers', { name: 'Remote Ann', smsNumber: '+15550123' }),
      );
      const storeId = await created(
        await baskets.call('POST', '/api/stores', { name: 'Far', location: 'L9' }),
      );
      productId = await created(
        await baskets.call('POST', `/api/stores/${storeId}/products`, {
          name: 'Lamp',
          description: 'Bright',
          sku: 'L-1',
          price: 12,
        }),
      );
    }, HOST_START_MS);
    afterAll(async () => {
      await ordering?.stop();
      await opened?.close();
      await baskets?.close();
    });

    const basket = async (checkOut: boolean) => {
      const id = (await baskets!.call('POST', '/api/baskets', { customerId })).json<{ id: string }>().id;
      const added = await baskets!.call('PUT', `/api/baskets/${id}/addItem`, { productId, quantity: 2 });
      expect(added.statusCode, added.body).toBe(204);
      if (checkOut) {
        const done = await baskets!.call('PUT', `/api/baskets/${id}/checkout`, { paymentId: 'pay-remote' });
        expect(done.statusCode, done.body).toBe(204);
      }
      return id;
    };
    const asCustomer = async (method: 'GET' | 'DELETE', url: string) =>
      ordering.http.inject({
        method,
        url,
        headers: await authorizationFor(baskets!.host, { subject: customerId, roles: ['customer'] }),
      });

    it('answers a checked-out basket as an order being placed, and 404 for one still open', async () => {
      const placed = await basket(true);
      const response = await asCustomer('GET', `/api/ordering/${placed}`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        order: {
          id: placed,
          customerId,
          paymentId: 'pay-remote',
          status: 'placing',
          total: 24,
          cancelable: true,
        },
      });
      const open = await basket(false);
      expect((await asCustomer('GET', `/api/ordering/${open}`)).statusCode).toBe(404);
    });

    it('cancels an order being placed: made from the checkout Baskets answered, and canceled', async () => {
      const placed = await basket(true);
      expect((await asCustomer('DELETE', `/api/ordering/${placed}`)).statusCode).toBe(204);
      expect((await asCustomer('GET', `/api/ordering/${placed}`)).json()).toMatchObject({
        order: { status: 'canceled', total: 24, items: [{ productName: 'Lamp', quantity: 2 }] },
      });
    });

    it("keeps Baskets' checkout route for modules: a customer may not ask it", async () => {
      const placed = await basket(true);
      const asked = await baskets!
        .as({ subject: customerId, roles: ['customer'] })
        .call('GET', `/api/baskets/${placed}/checkout`);
      expect(asked.statusCode).toBe(403);
    });

    it('answers 503 when that Baskets is gone', async () => {
      const placed = await basket(true);
      // Issued while the provider (that process) still runs; this Ordering has its keys already.
      const headers = await authorizationFor(baskets!.host, { subject: customerId, roles: ['customer'] });
      await baskets!.close();
      baskets = undefined;
      const response = await ordering.http.inject({ method: 'GET', url: `/api/ordering/${placed}`, headers });
      expectProblem(response, 503, { code: 'baskets_unavailable' });
    });
  },
);
