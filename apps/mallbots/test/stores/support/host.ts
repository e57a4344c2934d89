import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import type { SqlClient } from '@tessera/platform/sql';
import type { TestDatabase } from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createStoresModule, type StoresModuleOptions } from '../../../src/stores/module.js';

/** Small, so the oversized-body tests stay cheap. */
export const BODY_LIMIT = 4096;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The parts of an injected response the tests read. */
export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
  json<T = unknown>(): T;
}

export interface StoresHost {
  readonly host: Host;
  readonly db: SqlClient;
  call(method: Method, url: string, body?: unknown): Promise<Answer>;
  /** Sends `payload` as it is, declared as JSON (for malformed and oversized bodies). */
  raw(method: Method, url: string, payload: string): Promise<Answer>;
  createStore(name?: string, location?: string): Promise<string>;
  addProduct(storeId: string, product?: Partial<NewProduct>): Promise<string>;
  close(): Promise<void>;
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
): Promise<StoresHost> {
  const opened = await backend.open();
  const host = await startHost({
    name: 'MallBots',
    version: 'test',
    modules: [createStoresModule(options)],
    db: opened.db,
    config: {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      logFormat: 'json',
      httpBodyLimit: BODY_LIMIT,
    },
  });
  const call: StoresHost['call'] = (method, url, body) =>
    host.http.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
  const created = async (response: Answer) => {
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  return {
    host,
    db: opened.db,
    call,
    raw: (method, url, payload) =>
      host.http.inject({ method, url, payload, headers: { 'content-type': 'application/json' } }),
    createStore: async (name = 'Corner Shop', location = 'Level 1') =>
      created(await call('POST', '/api/stores', { name, location })),
    addProduct: async (storeId, product = {}) =>
      created(
        await call('POST', `/api/stores/${storeId}/products`, {
          name: 'Widget',
          description: 'A useful widget',
          sku: 'W-1',
          price: 9.99,
          ...product,
        }),
      ),
    async close() {
      await host.stop();
      await opened.close();
    },
  };
}

interface ProblemExpectation {
  code?: string;
  detail?: string | RegExp;
  field?: string;
}

/** Asserts an RFC 9457 problem answer: status, media type, and what names the rule or the field. */
export function expectProblem(response: Answer, status: number, expected: ProblemExpectation = {}) {
  expect(response.statusCode, response.body).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(response.body) as {
    status: number;
    code?: string;
    detail: string;
    errors?: Array<{ field: string; message: string }>;
  };
  expect(body.status).toBe(status);
  if (expected.code !== undefined) expect(body.code).toBe(expected.code);
  if (typeof expected.detail === 'string') expect(body.detail).toBe(expected.detail);
  if (expected.detail instanceof RegExp) expect(body.detail).toMatch(expected.detail);
  if (expected.field !== undefined) {
    expect(body.errors?.map((error) => error.field)).toContain(expected.field);
  }
  return body;
}

export const unknownId = () => crypto.randomUUID();
