import { createDomainEventBus, type DomainEvent, type DomainEventBus } from '@tessera/platform/ddd';
import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import type { SqlClient } from '@tessera/platform/sql';
import type { TestDatabase } from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createCustomersModule } from '../../../src/customers/module.js';

/** Small, so the oversized-body tests stay cheap. */
export const BODY_LIMIT = 4096;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The parts of an injected response the tests read. */
export interface Answer {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: string;
  json<T = unknown>(): T;
}

export interface CustomersHost {
  readonly host: Host;
  readonly db: SqlClient;
  /** The bus the module dispatches its domain events on. */
  readonly bus: DomainEventBus;
  /** Every domain event dispatched so far, in order. */
  readonly dispatched: DomainEvent[];
  call(method: Method, url: string, body?: unknown): Promise<Answer>;
  /** Sends `payload` as it is, declared as JSON (for malformed and oversized bodies). */
  raw(method: Method, url: string, payload: string): Promise<Answer>;
  register(name?: string, smsNumber?: string): Promise<string>;
  close(): Promise<void>;
}

/** One in-process host with the Customers module on a fresh database of the given backend. */
export async function startCustomersHost(backend: TestDatabase): Promise<CustomersHost> {
  const opened = await backend.open();
  const bus = createDomainEventBus();
  const dispatched: DomainEvent[] = [];
  bus.subscribe('*', (event) => {
    dispatched.push(event);
  });
  const host = await startHost({
    name: 'MallBots',
    version: 'test',
    modules: [createCustomersModule({ bus })],
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
  const call: CustomersHost['call'] = (method, url, body) =>
    host.http.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
  return {
    host,
    db: opened.db,
    bus,
    dispatched,
    call,
    raw: (method, url, payload) =>
      host.http.inject({ method, url, payload, headers: { 'content-type': 'application/json' } }),
    async register(name = 'Ada Lovelace', smsNumber = '+15551234567') {
      const response = await call('POST', '/api/customers', { name, smsNumber });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
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
