import { context, isSpanContextValid, type Span, type SpanContext, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sampledSpanContext } from '../observability/metrics.js';
import { ignoredPath } from '../observability/telemetry.js';
import {
  contextOfHeaders,
  runInContext,
  SpanKind,
  traceHeadersOf,
  tracer,
  withConversation,
} from '../observability/trace-context.js';

const ownSpans = new WeakMap<FastifyRequest, Span>();
const sampledRequests = new WeakMap<FastifyRequest, SpanContext>();

/** The request's span when it is recorded and sampled (its duration's exemplar), read when it started. */
export const sampledSpanOf = (request: FastifyRequest): SpanContext | undefined =>
  sampledRequests.get(request);
const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/**
 * Each request is a span of the caller's trace (W3C traceparent, tracestate, baggage) in a conversation (a
 * correlation id, given or the request's id): logs and the messages published while handling it inherit
 * both (ADR 0045). The http instrumentation, when telemetry exports, has made the server span already; this
 * names it by its route. Without it (nothing exported, or http loaded before telemetry started), the request
 * gets a span of its own here.
 */
export function installRequestTracing(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const given = header('x-correlation-id');
    const correlationId = given && CORRELATION_ID.test(given) ? given : request.id;
    const route = request.routeOptions.url;
    const name = route ? `${request.method} ${route}` : request.method;
    let active = context.active();
    const made = trace.getSpan(active);
    // Probes and scrapes are nobody's work to trace (nor are they when the instrumentation leaves them).
    if (ignoredPath(request.url.split('?')[0] ?? '') || (made && !isSpanContextValid(made.spanContext()))) {
      reply.header('x-correlation-id', correlationId);
      runInContext(withConversation(active, { correlationId }), done);
      return;
    }
    if (made) {
      made.updateName(name);
      if (route) made.setAttribute('http.route', route);
    } else {
      const tracestate = header('tracestate');
      const baggage = header('baggage');
      const parent = contextOfHeaders({
        ...(header('traceparent') ? { traceparent: header('traceparent') } : {}),
        ...(tracestate && tracestate.length <= 512 ? { tracestate } : {}),
        ...(baggage && baggage.length <= 8192 ? { baggage } : {}),
      });
      const span = tracer().startSpan(
        name,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': request.url.split('?')[0] ?? '',
            ...(route ? { 'http.route': route } : {}),
          },
        },
        parent,
      );
      ownSpans.set(request, span);
      active = trace.setSpan(parent, span);
    }
    // Now: the span may have ended when the response's duration is observed.
    const sampled = sampledSpanContext(trace.getSpan(active));
    if (sampled) sampledRequests.set(request, sampled);
    active = withConversation(active, { correlationId });
    const { traceparent } = traceHeadersOf(active);
    if (traceparent) reply.header('traceparent', traceparent);
    reply.header('x-correlation-id', correlationId);
    runInContext(active, done);
  });
  const end = (request: FastifyRequest, status?: number) => {
    const span = ownSpans.get(request);
    if (!span) return;
    ownSpans.delete(request);
    if (status !== undefined) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: 2 });
    }
    span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request);
    done();
  });
}
