import { expectPagedList, testDatabases, walkPages } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type StoresHost, startStoresHost, unknownId } from '../support/host.js';

interface StoreDto {
  id: string;
  name: string;
  location: string;
  participating: boolean;
}

describe.each(testDatabases)('Stores API: stores, on $backend', (backend) => {
  let api: StoresHost;
  beforeAll(async () => {
    api = await startStoresHost(backend);
  });
  afterAll(() => api.close());

  const getStore = async (id: string) => {
    const response = await api.call('GET', `/api/stores/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ store: StoreDto }>().store;
  };
  /** Every store the list gives, page after page. */
  const listed = async (url: string) =>
    (await walkPages(api, url, 'stores', 100)).flatMap((page) => page.items as unknown as StoreDto[]);

  describe('ST1 CreateStore', () => {
    it('answers 201 with the id and its Location, stores StoreCreated, and shows the store not participating', async () => {
      const response = await api.call('POST', '/api/stores', {
        name: '  Books & Co ',
        location: ' Level 2 ',
      });
      expect(response.statusCode).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(response.headers.location).toBe(`/api/stores/${id}`);

      expect(await getStore(id)).toEqual({
        id,
        name: 'Books & Co',
        location: 'Level 2',
        participating: false,
      });
      const { rows } = await api.db.query(
        'SELECT event_type, data FROM stores.events WHERE stream_name = $1',
        [`stores.Store-${id}`],
      );
      expect(rows).toEqual([
        { event_type: 'stores.StoreCreated', data: { name: 'Books & Co', location: 'Level 2' } },
      ]);
    });

    it('refuses a blank name with 400 "the store name cannot be blank"', async () => {
      const response = await api.call('POST', '/api/stores', { name: '   ', location: 'Level 1' });
      expectProblem(response, 400, {
        code: 'store_name_blank',
        detail: 'the store name cannot be blank',
        field: 'body.name',
      });
    });

    it('refuses a blank location with 400 "the store location cannot be blank"', async () => {
      const response = await api.call('POST', '/api/stores', { name: 'Shoes', location: '' });
      expectProblem(response, 400, {
        code: 'store_location_blank',
        detail: 'the store location cannot be blank',
        field: 'body.location',
      });
    });

    it('lists the store in GET /api/stores', async () => {
      const id = await api.createStore('Listed Store');
      expect(await listed('/api/stores')).toContainEqual({
        id,
        name: 'Listed Store',
        location: 'Level 1',
        participating: false,
      });
    });
  });

  describe('listing a page at a time', () => {
    it('pages the stores by name: 50 unless asked, at most 100, and every store once', async () => {
      const created: string[] = [];
      for (let n = 0; n < 51; n++) created.push(await api.createStore(`Paged ${String(n).padStart(2, '0')}`));
      const all = await expectPagedList(api, '/api/stores', 'stores', { atLeast: 51 });
      expect(all.filter((id) => created.includes(id))).toEqual(created);

      for (const id of created.slice(0, 9)) await api.call('PUT', `/api/stores/${id}/participating`);
      const participating = await expectPagedList(api, '/api/stores/participating', 'stores', { atLeast: 9 });
      expect(participating.filter((id) => created.includes(id))).toEqual(created.slice(0, 9));
    });
  });

  describe('ST2 participation', () => {
    it('is not changed by what a page of another site could send: text/plain (415) or a cross-site request (403)', async () => {
      const id = await api.createStore('Forged Store');
      const path = `/api/stores/${id}/participating`;
      expectProblem(await api.raw('PUT', path, '', 'text/plain'), 415, { code: 'unsupported_media_type' });
      expectProblem(await api.raw('PUT', path, 'yes', 'text/plain'), 415, { code: 'unsupported_media_type' });
      const forged = await api.host.http.inject({
        method: 'PUT',
        url: path,
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expectProblem(forged, 403, { code: 'cross_site_request' });
      expect((await getStore(id)).participating).toBe(false);
      expect((await api.call('PUT', path)).statusCode).toBe(204);
    });

    it('toggles participation, refuses repeats with the spec messages, and GET /participating follows', async () => {
      const id = await api.createStore('Toggling Store');
      const participatingIds = async () => (await listed('/api/stores/participating')).map((s) => s.id);
      expect(await participatingIds()).not.toContain(id);

      const enabled = await api.call('PUT', `/api/stores/${id}/participating`);
      expect(enabled.statusCode).toBe(204);
      expect(enabled.body).toBe('');
      expect((await getStore(id)).participating).toBe(true);
      expect(await participatingIds()).toContain(id);
      expect((await listed('/api/stores/participating')).every((store) => store.participating)).toBe(true);

      expectProblem(await api.call('PUT', `/api/stores/${id}/participating`), 409, {
        code: 'store_already_participating',
        detail: 'the store is already participating',
      });

      expect((await api.call('DELETE', `/api/stores/${id}/participating`)).statusCode).toBe(204);
      expect((await getStore(id)).participating).toBe(false);
      expect(await participatingIds()).not.toContain(id);

      expectProblem(await api.call('DELETE', `/api/stores/${id}/participating`), 409, {
        code: 'store_already_not_participating',
        detail: 'the store is already not participating',
      });
    });
  });

  describe('ST3 RebrandStore', () => {
    it('renames the store in the read model, trimmed', async () => {
      const id = await api.createStore('Old Name');
      const response = await api.call('PUT', `/api/stores/${id}/rebrand`, { name: ' New Name ' });
      expect(response.statusCode).toBe(204);
      expect((await getStore(id)).name).toBe('New Name');
      expect((await listed('/api/stores')).find((store) => store.id === id)?.name).toBe('New Name');
    });

    it('refuses a blank name', async () => {
      const id = await api.createStore();
      expectProblem(await api.call('PUT', `/api/stores/${id}/rebrand`, { name: '' }), 400, {
        code: 'store_name_blank',
        detail: 'the store name cannot be blank',
      });
    });

    it('records nothing when the name is the same', async () => {
      const id = await api.createStore('Same Name');
      expect((await api.call('PUT', `/api/stores/${id}/rebrand`, { name: 'Same Name' })).statusCode).toBe(
        204,
      );
      const { rows } = await api.db.query('SELECT event_type FROM stores.events WHERE stream_name = $1', [
        `stores.Store-${id}`,
      ]);
      expect(rows).toEqual([{ event_type: 'stores.StoreCreated' }]);
    });
  });

  describe('ST8 stores that do not exist', () => {
    it.each([
      ['GET', '/api/stores/:id'],
      ['PUT', '/api/stores/:id/participating'],
      ['DELETE', '/api/stores/:id/participating'],
      ['GET', '/api/stores/:id/products'],
    ] as const)('%s %s answers 404 and creates nothing', async (method, path) => {
      const id = unknownId();
      expectProblem(await api.call(method, path.replace(':id', id)), 404, {
        code: 'store_not_found',
        detail: 'store with that ID does not exist',
      });
      expect(
        await api.db.query('SELECT 1 FROM stores.events WHERE stream_name = $1', [`stores.Store-${id}`]),
      ).toMatchObject({ rows: [] });
    });

    it('PUT /api/stores/:id/rebrand answers 404', async () => {
      expectProblem(await api.call('PUT', `/api/stores/${unknownId()}/rebrand`, { name: 'Ghost' }), 404, {
        code: 'store_not_found',
      });
    });
  });

  describe('ids', () => {
    it('accepts an id in upper case as the same store', async () => {
      const id = await api.createStore('Case Store');
      expect((await api.call('PUT', `/api/stores/${id.toUpperCase()}/participating`)).statusCode).toBe(204);
      expect((await getStore(id.toUpperCase())).participating).toBe(true);
    });

    it('routes /api/stores/participating and /api/stores/products/:id before /api/stores/:id', async () => {
      expect((await api.call('GET', '/api/stores/participating')).statusCode).toBe(200);
      expectProblem(await api.call('GET', `/api/stores/products/${unknownId()}`), 404, {
        code: 'product_not_found',
      });
    });
  });
});
