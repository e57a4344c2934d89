// The modules, not their named exports: the http instrumentation patches `request` on the module, and an ESM
// named import keeps the unpatched one (no client span, no traceparent to the upstream: a trace per hop).
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { PROBLEM_CONTENT_TYPE, type Problem, problem } from '../../http/index.js';
import { bodyTooLarge } from '../../http/problem.js';

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the request the gateway forwards.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)),
  );
}

export interface ProxyTarget {
  /** The upstream's base URL, e.g. http://127.0.0.1:8101. */
  readonly base: string;
  /** The path and query to ask it for, e.g. /api/stores?x=1. */
  readonly path: string;
  /** Named in the 502 when it does not answer. */
  readonly name: string;
}

/** Who asked, as far as the gateway believes it: the X-Forwarded-* headers the upstream gets. */
export interface Forwarded {
  /** The client's address and every believed proxy's after it, e.g. `203.0.113.7, 10.0.0.2`. */
  readonly for: string;
  readonly host: string;
  readonly proto: string;
}

export interface ProxyOptions {
  readonly forwarded: Forwarded;
  /** The largest body passed on, in bytes; a larger one is a 413 and is not sent on whole. */
  readonly bodyLimit: number;
  readonly timeoutMs?: number;
}

/** The body grew past the limit while it streamed: it came without a Content-Length. */
class BodyTooLarge extends Error {}

/** An answer of the gateway's own; `close` ends the connection, whose unread body is then not read. */
function answer(outgoing: ServerResponse, body: Problem, close = false) {
  outgoing.writeHead(body.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    ...(close ? { connection: 'close' } : {}),
  });
  outgoing.end(JSON.stringify(body));
}

/**
 * Streams one request to its upstream and the answer back, unchanged but for hop-by-hop headers: method, path,
 * query, headers (Idempotency-Key, traceparent, ...), body; status, headers, body. The client's X-Forwarded-*
 * are replaced by `forwarded`: an upstream that believes the gateway must not believe what a client wrote. A
 * body over `bodyLimit` is a 413 problem+json, refused before the upstream is asked when its Content-Length says
 * so, else as soon as it has grown past the limit. An upstream that cannot be reached is a 502 problem+json
 * naming it.
 */
export function proxyRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  target: ProxyTarget,
  options: ProxyOptions,
): Promise<void> {
  const base = new URL(target.base);
  const send = base.protocol === 'https:' ? https.request : http.request;
  const { forwarded, bodyLimit, timeoutMs = 60_000 } = options;
  if (Number(incoming.headers['content-length']) > bodyLimit) {
    answer(outgoing, bodyTooLarge(), true);
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const upstream = send(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: incoming.method,
        path: `${base.pathname.replace(/\/$/, '')}${target.path}`,
        headers: {
          ...forwardable(incoming.headers),
          'x-forwarded-for': forwarded.for,
          'x-forwarded-host': forwarded.host,
          'x-forwarded-proto': forwarded.proto,
        },
        timeout: timeoutMs,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.headers));
        answer.pipe(outgoing);
        answer.on('end', resolve);
        answer.on('error', () => {
          outgoing.destroy();
          resolve();
        });
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    upstream.on('error', (error) => {
      if (outgoing.headersSent) outgoing.destroy();
      else if (error instanceof BodyTooLarge) answer(outgoing, bodyTooLarge(), true);
      else {
        const detail = `the ${target.name} service did not answer: ${error.message}`;
        answer(outgoing, problem(502, detail, { code: 'upstream_unavailable' }));
      }
      resolve();
    });
    let received = 0;
    incoming.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > bodyLimit && !upstream.destroyed) {
        incoming.unpipe(upstream);
        upstream.destroy(new BodyTooLarge());
      }
    });
    // A client that goes away takes its upstream request with it.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) upstream.destroy();
    });
    incoming.pipe(upstream);
  });
}
