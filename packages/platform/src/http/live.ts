import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { problemResponse } from './problem.js';
import { accessProblems, audienceOf, type RouteAudience, type RouteRequest } from './routes.js';
import type { HttpServer } from './server.js';

/** One change a live route sends: an SSE event whose `id` is its position. */
export interface LiveChange {
  /**
   * Where the change is in the feed's order (a projection's position, the event store's global position):
   * strictly increasing along the feed, sent as the event's `id`, and what a client resumes after.
   */
  readonly position: number;
  /** The SSE event's name. */
  readonly event: string;
  /** The event's data, sent as one line of JSON. */
  readonly data: unknown;
}

/** What one client's stream shows: changes after a position, read again each time the source wakes it. */
export interface LiveFeed {
  /** Where a client that names no last event starts: the changes after it are sent. */
  start(): Promise<number>;
  /** The changes after `position`, in increasing position, at most `limit` (fewer: there are no more now). */
  changes(after: number, limit: number): Promise<readonly LiveChange[]>;
}

export interface LiveRoutesOptions {
  /** The OpenAPI tags of every route, usually the module's name. */
  tags: string[];
  /** How the module describes its 400 (a bad path, query or Last-Event-ID) and its 404 (an unknown id). */
  problems?: { badRequest?: string; notFound?: string };
  /**
   * Calls `wake` whenever the feeds may have changed (a projector's `watch`, woken by commits in every
   * process); returns the unsubscribe. Each stream reads its feed again when woken: no polling.
   */
  watch: (wake: () => void) => () => void;
  /** How often a comment line is sent, so that proxies keep an idle connection open. Default 15 s. */
  heartbeatMs?: number;
  /** How long a client's EventSource waits before it reconnects (the stream's `retry:`). Default 1 s. */
  retryMs?: number;
  /** Changes read per query. Default 100. */
  batchSize?: number;
}

type ObjectSchema = z.ZodObject;

export interface LiveRouteDeclaration<P extends ObjectSchema, Q extends ObjectSchema> {
  /** Who may follow it, as for `restRoutes`; a role that sees only its own is checked before any event. */
  audience: RouteAudience<RouteRequest<P, Q, z.ZodUnknown>>;
  summary: string;
  description?: string;
  params?: P;
  querystring?: Q;
  /** The events the stream sends, by name, with the schema of their data (documented, not checked). */
  events: Record<string, z.ZodType>;
  /** The request's feed. Throwing (an unknown id: 404) answers a problem before the stream opens. */
  feed: (request: RouteRequest<P, Q, z.ZodUnknown>) => Promise<LiveFeed>;
}

export interface LiveRoutes {
  get<P extends ObjectSchema = ObjectSchema, Q extends ObjectSchema = ObjectSchema>(
    path: string,
    operationId: string,
    route: LiveRouteDeclaration<P, Q>,
  ): void;
}

export const LAST_EVENT_ID_HEADER = 'last-event-id';
const position = z.coerce
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Resume after this event id (EventSource sends Last-Event-ID itself when it reconnects)');
const resumeHeaders = z.looseObject({ [LAST_EVENT_ID_HEADER]: position.optional() });
const resumeQuery = { lastEventId: position.optional() };

/** The events a stream sends, for the OpenAPI document: each with its id, its name and its data. */
function eventsSchema(events: Record<string, z.ZodType>): z.ZodType {
  const each = Object.entries(events).map(([event, data]) =>
    z.object({ id: z.string(), event: z.literal(event), data }),
  );
  return each.length === 1 ? each[0]! : z.union(each);
}

/** One open stream: what ends it when the server closes. */
interface Open {
  end(): void;
  readonly done: Promise<void>;
}

/**
 * Live routes: Server-Sent Events that push a feed's changes to a client as they commit. Each event's `id` is
 * its position; a client that reconnects with `Last-Event-ID` (or `?lastEventId=`, for the first connection
 * of an EventSource, which cannot set headers) gets every change after it, none twice. Streams are woken by
 * the feed's source, not by polling; a comment line every `heartbeatMs` keeps idle connections open through
 * proxies; the audience is checked as for any route; and the server's close ends every stream (EventSource
 * then reconnects elsewhere, resuming where it was).
 */
export function liveRoutes(http: HttpServer, options: LiveRoutesOptions): LiveRoutes {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const badRequest = problemResponse(
    options.problems?.badRequest ?? 'The request is invalid (see errors: the field and what is wrong)',
  );
  const notFound = options.problems?.notFound && problemResponse(options.problems.notFound);
  const open = new Set<Open>();
  http.addHook('preClose', async () => {
    const closing = [...open];
    for (const stream of closing) stream.end();
    await Promise.all(closing.map((stream) => stream.done));
  });

  const stream = async (request: FastifyRequest, reply: FastifyReply, feed: LiveFeed, resume?: number) => {
    let cursor = resume ?? (await feed.start());
    const body = new PassThrough();
    let closed = false;
    let ended!: () => void;
    const whenEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    let wake: (() => void) | undefined;
    let woken = true;
    const signal = () => {
      woken = true;
      wake?.();
    };
    const end = () => {
      closed = true;
      ended();
      signal();
    };
    const unwatch = options.watch(signal);
    // The response's close, not the request's: it tells that the client went away (or that the answer ended).
    reply.raw.on('close', end);
    const write = async (text: string) => {
      if (!body.write(text)) {
        await Promise.race([new Promise<void>((resolve) => body.once('drain', resolve)), whenEnded]);
      }
    };
    const heartbeat = setInterval(() => {
      if (!closed) body.write(': heartbeat\n\n');
    }, heartbeatMs);

    const loop = async () => {
      await write(`retry: ${retryMs}\n\n`);
      while (!closed) {
        woken = false;
        const changes = await feed.changes(cursor, batchSize);
        for (const change of changes) {
          if (closed) return;
          await write(
            `id: ${change.position}\nevent: ${change.event}\ndata: ${JSON.stringify(change.data)}\n\n`,
          );
          cursor = change.position;
        }
        if (changes.length >= batchSize || woken) continue;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (woken || closed) resolve();
        });
        wake = undefined;
      }
    };
    const done = loop()
      .catch((error: unknown) => {
        // The client reconnects and resumes from its last event: nothing is lost by ending here.
        request.log.error({ err: error }, 'a live stream failed: it ends');
      })
      .finally(() => {
        clearInterval(heartbeat);
        unwatch();
        open.delete(entry);
        body.end();
      });
    const entry: Open = { end, done };
    open.add(entry);
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(body);
  };

  return {
    get(path, operationId, route) {
      const audience = audienceOf(route.audience as RouteAudience<FastifyRequest>);
      const querystring = (route.querystring ?? z.object({})).extend(resumeQuery);
      const eventNames = Object.keys(route.events).join(', ');
      http.route({
        method: 'GET',
        url: path,
        config: { audience },
        schema: {
          tags: options.tags,
          operationId,
          summary: route.summary,
          description: [
            route.description,
            `Server-Sent Events (${eventNames}), each with its position as id. Reconnect with Last-Event-ID ` +
              '(or ?lastEventId=) to get every change after it, none twice.',
          ]
            .filter(Boolean)
            .join('\n\n'),
          ...(route.params && { params: route.params }),
          querystring,
          headers: resumeHeaders,
          response: {
            200: {
              description: `A stream of events: ${eventNames}`,
              content: {
                'text/event-stream': {
                  schema: eventsSchema(route.events),
                },
              },
            },
            400: badRequest,
            ...(route.params && notFound && { 404: notFound }),
            ...(audience !== 'anyone' && accessProblems),
          },
        },
        handler: async (request, reply) => {
          const fromHeader = (request.headers as z.output<typeof resumeHeaders>)[LAST_EVENT_ID_HEADER];
          const { lastEventId } = request.query as { lastEventId?: number };
          const feed = await route.feed(request as unknown as Parameters<typeof route.feed>[0]);
          // The header wins: an EventSource reconnects to its first URL, with the id it reached in the header.
          return stream(request, reply, feed, fromHeader ?? lastEventId);
        },
      });
    },
  };
}
