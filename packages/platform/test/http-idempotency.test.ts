import { randomUUID } from 'node:crypto';
import { conflict, invalidArgument } from '@tessera/platform/ddd';
import {
  createHttpServer,
  type HttpServer,
  idempotencyMigrations,
  problemResponse,
} from '@tessera/platform/http';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { pruneIdempotencyKeys } from '../src/http/idempotency.js';

/** A handler's run can be held at a gate, to have a duplicate arrive while it is in flight. */
interface Gate {
  entered: Promise<void>;
  release(): void;
}

function gate(): Gate & { enter(): Promise<void> } {
  let entered!: () => void;
  let release!: () => void;
  const enteredPromise = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    entered: enteredPromise,
    release,
    enter: () => {
      entered();
      return released;
    },
  };
}

describe.each(testDatabases)('Idempotency-Key on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let db: SqlClient;
  let app: HttpServer;
  const runs = new Map<string, number>();
  /** Names whose next run fails with an unexpected error (once). */
  const failOnce = new Set<string>();
  const gates = new Map<string, ReturnType<typeof gate>>();
  /** A gate that the runs for `thing` wait at. */
  const holdAt = (thing: string) => {
    const held = gate();
    gates.set(thing, held);
    return held;
  };

  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
    await migrate(db, [
      idempotencyMigrations(),
      {
        name: 'things',
        migrations: [
          {
            version: 1,
            name: 'things',
            sql: 'CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL, size integer NOT NULL)',
          },
        ],
      },
    ]);
    app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      title: 'Test',
      version: '1.0.0',
      idempotency: { db },
    });
    const body = z.strictObject({ name: z.string().min(1), size: z.number().int() });
    app.post(
      '/things',
      {
        schema: {
          body,
          response: { 201: z.object({ id: z.number() }), 400: problemResponse('The request is invalid') },
        },
      },
      async (request, reply) => {
        const { name, size } = request.body;
        runs.set(name, (runs.get(name) ?? 0) + 1);
        const { rows } = await db.query<{ id: number }>(
          'INSERT INTO things (name, size) VALUES ($1, $2) RETURNING id',
          [name, size],
        );
        // Each failure comes after a write, which must then be rolled back.
        if (size < 0) throw invalidArgument('size_negative', 'the size cannot be negative', 'size');
        if (size === 409) throw conflict('concurrent_modification', 'changed concurrently');
        if (failOnce.delete(name)) throw new Error('the disk is on fire');
        await gates.get(name)?.enter();
        return reply.status(201).header('location', `/things/${rows[0]!.id}`).send({ id: rows[0]!.id });
      },
    );
    app.put(
      '/things/:name',
      { schema: { params: z.object({ name: z.string() }), response: { 204: z.undefined() } } },
      async (request, reply) => {
        runs.set(request.params.name, (runs.get(request.params.name) ?? 0) + 1);
        return reply.status(204).send();
      },
    );
    app.post('/untouched', { config: { idempotency: false } }, async () => {
      runs.set('untouched', (runs.get('untouched') ?? 0) + 1);
      return { ok: true };
    });
    app.get('/things', async () => (await db.query('SELECT count(*)::int AS n FROM things')).rows[0]);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
  });

  const post = (payload: unknown, key?: string, url = '/things') =>
    app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
  const count = async (name: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM things WHERE name = $1', [name])).rows[0]!
      .n;
  const name = () => `thing-${randomUUID()}`;

  it('without a key, each request takes effect', async () => {
    const thing = name();
    const [first, second] = [await post({ name: thing, size: 1 }), await post({ name: thing, size: 1 })];
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await count(thing)).toBe(2);
  });

  it('a repeat gets the first answer back, replayed, with no second effect', async () => {
    const thing = name();
    const key = randomUUID();
    const first = await post({ name: thing, size: 1 }, key);
    // The same intent with its fields in another order.
    const again = await app.inject({
      method: 'POST',
      url: '/things',
      payload: `{"size": 1, "name": "${thing}"}`,
      headers: { 'idempotency-key': key, 'content-type': 'application/json' },
    });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(runs.get(thing)).toBe(1);
    expect(await count(thing)).toBe(1);
  });

  it('distinct keys are distinct intents, and a resubmitted one is still ignored', async () => {
    const thing = name();
    const [k1, k2] = [randomUUID(), randomUUID()];
    await post({ name: thing, size: 1 }, k1);
    await post({ name: thing, size: 1 }, k2);
    expect((await post({ name: thing, size: 1 }, k1)).headers['idempotent-replayed']).toBe('true');
    expect(await count(thing)).toBe(2);
  });

  it('the same key for a different request is a 422, and changes nothing', async () => {
    const thing = name();
    const key = randomUUID();
    await post({ name: thing, size: 1 }, key);
    const otherBody = await post({ name: thing, size: 2 }, key);
    expect(otherBody.statusCode).toBe(422);
    expect(otherBody.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(otherBody.json()).toMatchObject({ code: 'idempotency_key_reused' });
    const otherRoute = await app.inject({
      method: 'PUT',
      url: `/things/${thing}`,
      headers: { 'idempotency-key': key },
    });
    expect(otherRoute.statusCode).toBe(422);
    expect(otherRoute.json()).toMatchObject({ code: 'idempotency_key_reused', detail: /POST \/things/ });
    expect(await count(thing)).toBe(1);
    expect(runs.get(thing)).toBe(1);
  });

  it('refuses a malformed key with a 400 naming the header, and stores nothing', async () => {
    const thing = name();
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const response = await post({ name: thing, size: 1 }, key);
      expect(response.statusCode, key).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'invalid_request',
        errors: [{ field: 'headers.idempotency-key' }],
      });
    }
    expect(await count(thing)).toBe(0);
    expect((await post({ name: thing, size: 1 }, 'x'.repeat(255))).statusCode).toBe(201);
  });

  it('a 4xx is kept without its effects, and replayed', async () => {
    const thing = name();
    const key = randomUUID();
    const first = await post({ name: thing, size: -1 }, key);
    expect(first.statusCode).toBe(400);
    expect(first.json()).toMatchObject({ code: 'size_negative', errors: [{ field: 'body.size' }] });
    expect(first.headers.location).toBeUndefined();
    expect(await count(thing)).toBe(0);
    const again = await post({ name: thing, size: -1 }, key);
    expect(again.statusCode).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body).toBe(first.body);
    expect(runs.get(thing)).toBe(1);
  });

  it('a 5xx keeps nothing: the retry runs, once', async () => {
    const thing = name();
    const key = randomUUID();
    failOnce.add(thing);
    const first = await post({ name: thing, size: 1 }, key);
    expect(first.statusCode).toBe(500);
    expect(first.headers.location).toBeUndefined();
    expect(await count(thing)).toBe(0);
    const retry = await post({ name: thing, size: 1 }, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((await post({ name: thing, size: 1 }, key)).headers['idempotent-replayed']).toBe('true');
    expect(runs.get(thing)).toBe(2);
    expect(await count(thing)).toBe(1);
  });

  it('a concurrency conflict (409) is not kept: the retry runs', async () => {
    const thing = name();
    const key = randomUUID();
    expect((await post({ name: thing, size: 409 }, key)).statusCode).toBe(409);
    expect((await post({ name: thing, size: 409 }, key)).headers['idempotent-replayed']).toBeUndefined();
    expect(runs.get(thing)).toBe(2);
  });

  it('replays an empty 204', async () => {
    const thing = name();
    const key = randomUUID();
    const put = () =>
      app.inject({ method: 'PUT', url: `/things/${thing}`, headers: { 'idempotency-key': key } });
    expect((await put()).statusCode).toBe(204);
    const again = await put();
    expect(again.statusCode).toBe(204);
    expect(again.body).toBe('');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(runs.get(thing)).toBe(1);
  });

  it('a key is new again once pruned after its retention', async () => {
    const thing = name();
    const key = randomUUID();
    await post({ name: thing, size: 1 }, key);
    expect(await pruneIdempotencyKeys(db, new Date(Date.now() - 60_000))).toBe(0);
    expect((await post({ name: thing, size: 1 }, key)).headers['idempotent-replayed']).toBe('true');
    // As the pruning timer would see it a retention later.
    expect(await pruneIdempotencyKeys(db, new Date(Date.now() + 60_000))).toBeGreaterThan(0);
    const later = await post({ name: thing, size: 1 }, key);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(await count(thing)).toBe(2);
  });

  it('a concurrent duplicate waits for the first, then gets its answer', async () => {
    const thing = name();
    const key = randomUUID();
    const held = holdAt(thing);
    const first = post({ name: thing, size: 1 }, key);
    await held.entered;
    const second = post({ name: thing, size: 1 }, key);
    if (backend.backend === 'postgres') {
      // True concurrency: the duplicate's insert of the key waits on the first's uncommitted row.
      await vi.waitFor(async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%idempotency_keys%'`,
        );
        expect(rows[0]!.n).toBe(1);
      });
    }
    held.release();
    const [a, b] = await Promise.all([first, second]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json()).toEqual(a.json());
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(runs.get(thing)).toBe(1);
    expect(await count(thing)).toBe(1);
  });

  it('a concurrent duplicate of a request that fails with a 5xx runs it again', async () => {
    const thing = name();
    const key = randomUUID();
    const held = holdAt(thing);
    failOnce.add(thing);
    // The first run fails before the gate; hold the second run there instead, so the two overlap.
    const first = post({ name: thing, size: 1 }, key);
    const second = post({ name: thing, size: 1 }, key);
    await held.entered;
    held.release();
    const answers = await Promise.all([first, second]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 500]);
    expect(runs.get(thing)).toBe(2);
    expect(await count(thing)).toBe(1);
  });

  it('leaves routes that opt out, and reads, as they were', async () => {
    const key = randomUUID();
    await post({}, key, '/untouched');
    const again = await post({}, key, '/untouched');
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(runs.get('untouched')).toBe(2);
    const read = await app.inject({ method: 'GET', url: '/things', headers: { 'idempotency-key': key } });
    expect(read.statusCode).toBe(200);
  });

  it('documents the header on mutating routes only, and the 422', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      info: { description: string };
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ name: string; in: string }>; responses: object }>
      >;
    };
    const headerOf = (path: string, method: string) =>
      document.paths[path]?.[method]?.parameters?.find((parameter) => parameter.name === 'idempotency-key');
    expect(headerOf('/things', 'post')).toMatchObject({ in: 'header', required: false });
    expect(headerOf('/things/{name}', 'put')).toMatchObject({ in: 'header' });
    expect(headerOf('/things', 'get')).toBeUndefined();
    expect(headerOf('/untouched', 'post')).toBeUndefined();
    expect(Object.keys(document.paths['/things']!.post!.responses)).toContain('422');
    expect(document.info.description).toMatch(/Idempotency-Key.*24 hours/s);
  });
});
