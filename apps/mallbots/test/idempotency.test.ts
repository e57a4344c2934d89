import { randomUUID } from 'node:crypto';
import type { Envelope } from '@tessera/platform/messaging';
import { authorizationFor, startTestHost, type TestHost, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCustomersModule } from '../src/customers/module.js';
import { createStoresModule } from '../src/stores/module.js';

/** EO-P10, EO-P11 and EO-P13 through the public API: a double submit has one effect, and both answers agree. */
describe.each(testDatabases)('MallBots with Idempotency-Key on $backend', (backend) => {
  let api: TestHost;
  const received: Envelope[] = [];
  let subscribed: { stop(): Promise<void> };

  beforeAll(async () => {
    api = await startTestHost(backend, [createStoresModule(), createCustomersModule()]);
    subscribed = await api.host.broker.subscribe({
      group: 'idempotency-test',
      subjects: ['mallbots.>'],
      handle: async (message) => {
        received.push(message);
      },
    });
  });
  afterAll(async () => {
    await subscribed?.stop();
    await api?.close();
  });

  const send = async (method: 'POST' | 'PUT', url: string, key: string, body?: object) =>
    api.host.http.inject({
      method,
      url,
      headers: { 'idempotency-key': key, ...(await authorizationFor(api.host)) },
      payload: body,
    });
  /** Waits until the group has handled every message published so far: then `received` is complete. */
  const drained = () =>
    vi.waitFor(async () => {
      const lag = (await api.host.broker.lag()).find((group) => group.group === 'idempotency-test');
      expect(lag?.pending).toBe(0);
    });
  const published = (type: string, id: string) =>
    received.filter((message) => message.type === type && (message.data as { id: string }).id === id);
  const storesNamed = async (name: string) => {
    const { stores } = (await api.call('GET', '/api/stores')).json<{ stores: Array<{ name: string }> }>();
    return stores.filter((store) => store.name === name).length;
  };

  it('a double POST /api/stores creates one store: both answers are 201 with its id, one StoreCreated', async () => {
    const name = `Books ${randomUUID()}`;
    const key = randomUUID();
    const first = await send('POST', '/api/stores', key, { name, location: 'Level 2' });
    const second = await send('POST', '/api/stores', key, { name, location: 'Level 2' });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const { id } = first.json<{ id: string }>();
    expect(second.json()).toEqual({ id });
    expect(second.headers.location).toBe(`/api/stores/${id}`);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await storesNamed(name)).toBe(1);
    await drained();
    expect(published('storesapi.StoreCreated', id)).toHaveLength(1);
  });

  it('a different key is a different intent: a second store', async () => {
    const name = `Twins ${randomUUID()}`;
    const [k1, k2] = [randomUUID(), randomUUID()];
    const first = await send('POST', '/api/stores', k1, { name, location: 'Level 1' });
    const second = await send('POST', '/api/stores', k2, { name, location: 'Level 1' });
    const resubmitted = await send('POST', '/api/stores', k1, { name, location: 'Level 1' });
    expect(second.json<{ id: string }>().id).not.toBe(first.json<{ id: string }>().id);
    expect(resubmitted.json()).toEqual(first.json());
    expect(await storesNamed(name)).toBe(2);
  });

  it('the same key with a different body is a 422 and creates nothing', async () => {
    const name = `Reused ${randomUUID()}`;
    const key = randomUUID();
    await send('POST', '/api/stores', key, { name, location: 'Level 1' });
    const other = await send('POST', '/api/stores', key, { name: `${name}!`, location: 'Level 1' });
    expect(other.statusCode).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await storesNamed(`${name}!`)).toBe(0);
  });

  it('concurrent duplicates create one store, and both answers carry its id', async () => {
    const name = `Rush ${randomUUID()}`;
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => send('POST', '/api/stores', key, { name, location: 'Level 3' })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const ids = new Set(answers.map((answer) => answer.json<{ id: string }>().id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await storesNamed(name)).toBe(1);
    await drained();
    expect(published('storesapi.StoreCreated', [...ids][0]!)).toHaveLength(1);
  });

  it('a refusal is kept: its retry gets the same answer, even once the command would pass', async () => {
    const { id } = (
      await send('POST', '/api/stores', randomUUID(), { name: 'Toggle', location: 'L1' })
    ).json<{
      id: string;
    }>();
    expect((await send('PUT', `/api/stores/${id}/participating`, randomUUID())).statusCode).toBe(204);
    const key = randomUUID();
    const refused = await send('PUT', `/api/stores/${id}/participating`, key);
    // A state conflict (409 store_already_participating), unlike a concurrent change, is a lasting answer.
    expect(refused.statusCode).toBe(409);
    await api.call('DELETE', `/api/stores/${id}/participating`);
    const retry = await send('PUT', `/api/stores/${id}/participating`, key);
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toBe(refused.body);
  });

  it('a double registration of a customer registers one, and publishes one CustomerRegistered', async () => {
    const key = randomUUID();
    const body = { name: 'Ada', smsNumber: '+15551234567' };
    const first = await send('POST', '/api/customers', key, body);
    const second = await send('POST', '/api/customers', key, body);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const { id } = first.json<{ id: string }>();
    expect(second.json()).toEqual({ id });
    await drained();
    expect(published('customersapi.CustomerRegistered', id)).toHaveLength(1);
  });

  it('documents the header on every mutating route of every module (not the OAuth and login routes)', async () => {
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    }>();
    // A token request is not an intent to repeat safely (OAuth clients retry it with a new request), and a
    // client's secret is answered once, never kept for a replay.
    const modules = Object.entries(document.paths).filter(
      ([path]) => !/^\/(oauth|auth)\//.test(path) && !path.startsWith('/identity/clients'),
    );
    const mutating = modules.flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ route: `${method} ${path}`, operation })),
    );
    expect(mutating.length).toBeGreaterThan(5);
    for (const { route, operation } of mutating) {
      expect(
        operation.parameters?.some((parameter) => parameter.name === 'idempotency-key'),
        route,
      ).toBe(true);
    }
  });
});
