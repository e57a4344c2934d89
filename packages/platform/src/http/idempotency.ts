import { createHash } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteHandlerMethod,
  RouteOptions,
} from 'fastify';
import { z } from 'zod';
import { isDomainError } from '../ddd/index.js';
import { identifier } from '../sql/errors.js';
import { type MigrationSet, type SqlClient, schemaMigrations } from '../sql/index.js';
import { problem, problemResponse, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` leaves a mutating route without Idempotency-Key support (the header is then ignored). Only for a
     * handler that must not run inside one transaction, e.g. one that calls this same process over HTTP: on
     * PGlite (one connection) that call would wait forever for the transaction's connection (ADR 0010).
     */
    idempotency?: boolean;
  }
}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Header values are visible ASCII and spaces; a key longer than a UUID four times over is a mistake.
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export interface IdempotencyOptions {
  db: SqlClient;
  /** How long a key and its stored answer are kept (at least). Default 24 h. */
  retentionMs?: number;
  /**
   * Whose key it is: two scopes never see each other's keys. Default: one scope for everyone, as there is no
   * authentication yet; with it, return the tenant or principal id (ADR 0010).
   */
  scope?: (request: FastifyRequest) => string;
  /** Where `idempotencyMigrations(schema)` put the table. Default 'http'. */
  schema?: string;
}

/** The table of keys and their answers; the host adds it to the migrations it runs. */
export function idempotencyMigrations(schema = 'http'): MigrationSet {
  return schemaMigrations(schema, 'idempotency', [
    [
      'idempotency_keys',
      (s) => `
-- One row per key and scope. It is inserted before the handler runs and given its answer in the same
-- transaction, so a committed row always has its answer; the uncommitted insert is the lock concurrent
-- duplicates wait on.
CREATE TABLE ${s}.idempotency_keys (
  scope        text        NOT NULL,
  key          text        NOT NULL,
  method       text        NOT NULL,
  route        text        NOT NULL,
  fingerprint  text        NOT NULL,
  status       integer,
  headers      json,
  body         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_at ON ${s}.idempotency_keys (created_at);
`,
    ],
  ]);
}

/** Forgets the keys first used before `olderThan`: after that a key is new again. Resolves to how many. */
export async function pruneIdempotencyKeys(db: SqlClient, olderThan: Date, schema = 'http'): Promise<number> {
  const result = await db.query(`DELETE FROM ${identifier(schema)}.idempotency_keys WHERE created_at < $1`, [
    olderThan,
  ]);
  return result.rowCount;
}

interface StoredResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
}

interface Intent {
  scope: string;
  key: string;
  method: string;
  route: string;
  fingerprint: string;
}

interface KeyRow {
  method: string;
  route: string;
  fingerprint: string;
  status: number | null;
  headers: Record<string, string | string[]> | null;
  body: string | null;
}

/** Key order in a JSON body is not part of the intent. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const fingerprintOf = (request: FastifyRequest) =>
  createHash('sha256')
    .update(
      JSON.stringify(
        canonical({ params: request.params ?? {}, query: request.query ?? {}, body: request.body ?? null }),
      ),
    )
    .digest('hex');

const keyHeaderSchema = z
  .string()
  .regex(KEY_PATTERN, 'must be 1 to 255 visible ASCII characters')
  .optional()
  .describe(
    'A unique value the client generates for this intent (a UUID v4, say) and resends on every retry of it: the ' +
      'request then takes effect once, and each retry gets the first answer back with `Idempotent-Replayed: true`. ' +
      'Reusing a key for a different request is a 422.',
  );

/** The header in each mutating route's schema: it is validated (400 naming it) and appears in the OpenAPI. */
function declareHeader(route: RouteOptions) {
  route.schema ??= {};
  const schema = route.schema as { headers?: unknown; response?: Record<string, unknown> };
  if (schema.headers === undefined) {
    schema.headers = z.looseObject({ [IDEMPOTENCY_KEY_HEADER]: keyHeaderSchema });
  } else if (schema.headers instanceof z.ZodObject) {
    schema.headers = schema.headers.extend({ [IDEMPOTENCY_KEY_HEADER]: keyHeaderSchema });
  }
  if (schema.response && !(422 in schema.response)) {
    schema.response[422] = problemResponse('The Idempotency-Key was already used for a different request');
  }
}

/** Answers to transient failures are not kept: the same request may succeed when retried. */
const keepsFailure = (status: number, error: unknown) =>
  status >= 400 &&
  status < 500 &&
  status !== 408 &&
  status !== 429 &&
  !(isDomainError(error) && error.kind === 'conflict');

function addedHeaders(reply: FastifyReply, before: ReadonlySet<string>) {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (before.has(name) || name === 'content-length' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return headers;
}

/** As Fastify would serialize it: by the route's response schema for this status (and media type). */
function serialize(reply: FastifyReply, payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload) || typeof (payload as { pipe?: unknown }).pipe === 'function') {
    throw new Error('a route with an Idempotency-Key must answer with JSON, not a stream or a buffer');
  }
  if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8');
  const status = reply.statusCode;
  const responses = reply.request.routeOptions.schema?.response as Record<string, unknown> | undefined;
  const statusKey = responses?.[status] !== undefined ? String(status) : `${String(status)[0]}xx`;
  const declared = responses?.[statusKey];
  if (declared && typeof declared === 'object' && 'content' in declared && !(declared instanceof z.ZodType)) {
    const mediaType = String(reply.getHeader('content-type')).split(';')[0]!.trim();
    return reply.serializeInput(payload as Record<string, unknown>, statusKey, mediaType) as string;
  }
  return reply.serialize(payload) as string;
}

/** Runs the handler with `reply.send` held back: the answer is sent only once it is committed. */
async function capture(
  handler: RouteHandlerMethod,
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  let sent: { payload: unknown } | undefined;
  const { send } = reply;
  reply.send = ((payload?: unknown) => {
    sent ??= { payload };
    return reply;
  }) as typeof reply.send;
  // biome-ignore lint/suspicious/noThenProperty: a reply is a thenable settling once the response is written; an async handler returning it would wait forever for the response held back here.
  reply.then = ((fulfilled?: () => void) => fulfilled?.()) as typeof reply.then;
  try {
    const result = await (handler as (...args: unknown[]) => unknown).call(app, request, reply);
    return sent ? sent.payload : result === reply ? undefined : result;
  } finally {
    reply.send = send;
    Reflect.deleteProperty(reply, 'then');
  }
}

function sendStored(reply: FastifyReply, stored: StoredResponse) {
  reply.status(stored.status);
  for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
  reply.header(REPLAYED_HEADER, 'true');
  return stored.body === null ? reply.send() : reply.send(stored.body);
}

function reused(reply: FastifyReply, request: FastifyRequest, row: KeyRow) {
  const sameRoute = row.method === request.method && row.route === request.routeOptions.url;
  return sendProblem(
    reply,
    problem(
      422,
      sameRoute
        ? 'this Idempotency-Key was already used with a different request body or parameters; use a new key for a new request'
        : `this Idempotency-Key was already used for ${row.method} ${row.route}; use a new key for a new request`,
      {
        code: 'idempotency_key_reused',
        instance: request.url,
        errors: [{ field: `headers.${IDEMPOTENCY_KEY_HEADER}`, message: 'already used for another request' }],
      },
    ),
  );
}

const matches = (row: KeyRow, intent: Intent) =>
  row.method === intent.method && row.route === intent.route && row.fingerprint === intent.fingerprint;

const toStored = (row: KeyRow): StoredResponse => ({
  status: row.status!,
  headers: row.headers ?? {},
  body: row.body,
});

/**
 * Makes every mutating route (POST, PUT, PATCH, DELETE) of `app`, including those added later, accept an
 * `Idempotency-Key` (ADR 0010). With a key, the handler, its effects, its outgoing messages (the broker's
 * outbox joins the transaction) and its answer commit in one transaction; a repeat gets the stored answer.
 * Without one, the handler runs as it would have.
 */
export function installIdempotency(app: FastifyInstance, options: IdempotencyOptions) {
  const { db } = options;
  const table = `${identifier(options.schema ?? 'http')}.idempotency_keys`;
  const scopeOf = options.scope ?? (() => '');
  const retentionMs = options.retentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  // Requests whose handler failed: their answer is made by the error handler, and kept in onSend if it is a 4xx.
  const failures = new WeakMap<FastifyRequest, { intent: Intent; error: unknown; before: Set<string> }>();

  /** Inserts the key (waiting for a concurrent holder to finish), or returns the row already committed. */
  const claim = async (intent: Intent, answer?: StoredResponse): Promise<KeyRow | undefined> => {
    for (;;) {
      const inserted = await db.query(
        `INSERT INTO ${table} (scope, key, method, route, fingerprint, status, headers, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [
          intent.scope,
          intent.key,
          intent.method,
          intent.route,
          intent.fingerprint,
          answer?.status ?? null,
          answer ? JSON.stringify(answer.headers) : null,
          answer?.body ?? null,
        ],
      );
      if (inserted.rowCount === 1) return undefined;
      const { rows } = await db.query<KeyRow>(
        `SELECT method, route, fingerprint, status, headers, body FROM ${table} WHERE scope = $1 AND key = $2`,
        [intent.scope, intent.key],
      );
      // Gone between the two statements (pruned): claim it again.
      if (rows[0]) return rows[0];
    }
  };

  const wrap = (handler: RouteHandlerMethod): RouteHandlerMethod =>
    async function idempotent(this: FastifyInstance, request, reply) {
      const key = request.headers[IDEMPOTENCY_KEY_HEADER];
      if (key === undefined || !MUTATING.has(request.method)) {
        return (handler as (...args: unknown[]) => unknown).call(this, request, reply);
      }
      if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
        return sendProblem(
          reply,
          problem(400, `headers.${IDEMPOTENCY_KEY_HEADER}: must be 1 to 255 visible ASCII characters`, {
            code: 'invalid_request',
            instance: request.url,
            errors: [
              {
                field: `headers.${IDEMPOTENCY_KEY_HEADER}`,
                message: 'must be 1 to 255 visible ASCII characters',
              },
            ],
          }),
        );
      }
      const intent: Intent = {
        scope: scopeOf(request),
        key,
        method: request.method,
        route: request.routeOptions.url ?? request.url,
        fingerprint: fingerprintOf(request),
      };
      const before = new Set(Object.keys(reply.getHeaders()));
      let ran = false;
      let outcome: { existing: KeyRow } | { fresh: string | null };
      try {
        outcome = await db.transaction(async () => {
          const existing = await claim(intent);
          if (existing) return { existing };
          ran = true;
          const body = serialize(reply, await capture(handler, this, request, reply));
          await db.query(
            `UPDATE ${table} SET status = $3, headers = $4, body = $5 WHERE scope = $1 AND key = $2`,
            [intent.scope, intent.key, reply.statusCode, JSON.stringify(addedHeaders(reply, before)), body],
          );
          return { fresh: body };
        });
      } catch (error) {
        // Nothing was committed: the answer must not carry what the handler set (a Location, say).
        for (const name of Object.keys(reply.getHeaders())) if (!before.has(name)) reply.removeHeader(name);
        if (ran) failures.set(request, { intent, error, before });
        throw error;
      }
      if ('fresh' in outcome) return outcome.fresh === null ? reply.send() : reply.send(outcome.fresh);
      const { existing } = outcome;
      if (!matches(existing, intent)) return reused(reply, request, existing);
      return sendStored(reply, toStored(existing));
    };

  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.some((method) => MUTATING.has(method)) || route.config?.idempotency === false) return;
    declareHeader(route);
    route.handler = wrap(route.handler);
  });

  // A failed handler's effects are rolled back; a lasting (4xx) answer is then kept in a transaction of its own.
  app.addHook('onSend', async (request, reply, payload) => {
    const failure = failures.get(request);
    if (!failure) return payload;
    failures.delete(request);
    if (!keepsFailure(reply.statusCode, failure.error) || typeof payload !== 'string') return payload;
    const answer: StoredResponse = {
      status: reply.statusCode,
      headers: addedHeaders(reply, failure.before),
      body: payload,
    };
    try {
      const existing = await db.transaction(() => claim(failure.intent, answer));
      // A concurrent duplicate ran and committed meanwhile: both answers must agree, so its answer wins.
      if (existing && matches(existing, failure.intent) && existing.status !== null) {
        const stored = toStored(existing);
        reply.status(stored.status).removeHeader('content-type');
        for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
        reply.header(REPLAYED_HEADER, 'true');
        return stored.body ?? '';
      }
    } catch (error) {
      request.log.error({ err: error }, 'could not keep the answer of an idempotent request');
    }
    return payload;
  });

  // Pruning runs in the background and never keeps the process alive.
  let timer: NodeJS.Timeout | undefined;
  let pruning: Promise<unknown> = Promise.resolve();
  app.addHook('onReady', async () => {
    timer = setInterval(
      () => {
        pruning = pruneIdempotencyKeys(db, new Date(Date.now() - retentionMs), options.schema).catch(
          (error: unknown) => app.log.warn({ err: error }, 'pruning idempotency keys failed'),
        );
      },
      Math.min(retentionMs, 60 * 60 * 1000),
    );
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await pruning;
  });
}

/** For the OpenAPI document's description. */
export const idempotencyDescription = (retentionMs = DEFAULT_IDEMPOTENCY_RETENTION_MS) =>
  'Every POST, PUT, PATCH and DELETE accepts an `Idempotency-Key` header (1 to 255 characters, e.g. a UUID ' +
  'the client generates once per intent and resends on every retry). The first request with a key takes ' +
  'effect; a repeat with the same key and the same request gets the same status and body back, with ' +
  '`Idempotent-Replayed: true`, and has no second effect. A concurrent repeat waits for the first to finish. ' +
  'The same key with a different request is a 422 (`idempotency_key_reused`). Answers to 2xx and to lasting ' +
  '4xx are kept (a state conflict included); a 5xx, a 429 or a 409 for a concurrent change is not, so a retry runs again. Keys are kept for ' +
  `${retentionMs % 3_600_000 === 0 ? `${retentionMs / 3_600_000} hours` : `${retentionMs / 1000} seconds`}.`;
