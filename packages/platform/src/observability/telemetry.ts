import { FastifyOtelInstrumentation } from '@fastify/otel';
import {
  type Context,
  context,
  propagation,
  type Span,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { RandomIdGenerator, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry in this process (ADR 0045). Configured only by the standard `OTEL_*` variables: with an OTLP
 * endpoint (or `OTEL_TRACES_EXPORTER`) the SDK for Node starts with the instrumentations of http, Fastify,
 * undici and pg, and spans are exported; without, a tracer that records nothing still gives every piece of
 * work its trace and span ids, so logs and messages carry a trace a downstream process may continue.
 */
export interface Telemetry {
  /** Spans are recorded and exported. */
  readonly exporting: boolean;
  /** Exports what is pending (a test reads its exporter after it). */
  flush(): Promise<void>;
  /** Exports what is pending and stops; the process goes back to the tracer that records nothing. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  /** The service's name when `OTEL_SERVICE_NAME` does not say (a process of the distributed topology). */
  readonly serviceName?: string;
  /** Spans go here (a test's `InMemorySpanExporter`) instead of where the environment says. */
  readonly spanExporter?: SpanExporter;
  readonly env?: NodeJS.ProcessEnv;
}

/** Whether the environment asks for traces to be exported. */
export function exportsTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.split(',').map((name) => name.trim()) ?? [];
  if (exporters.includes('none')) return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || exporters.length > 0,
  );
}

let current: Telemetry | undefined;

/** Probes and scrapes are not work anybody traces; live streams last for hours. */
export const ignoredPath = (path: string) =>
  path === '/liveness' || path === '/readiness' || path === '/metrics' || path.endsWith('/live');

/** The tracer that records nothing, unless telemetry was started: what the platform's spans use by default. */
export function ensureTelemetry(): void {
  if (!current) current = recordingNothing();
}

/**
 * Starts telemetry as the environment (or `options.spanExporter`) says. Call it before the modules that
 * http, pg and Fastify instrument are imported (the entry does, then imports the applications), or their
 * spans are missing. A second start while exporting keeps the first.
 */
export function startTelemetry(options: TelemetryOptions = {}): Telemetry {
  const env = options.env ?? process.env;
  if (current?.exporting) return current;
  if (!options.spanExporter && !exportsTraces(env)) {
    ensureTelemetry();
    return current as Telemetry;
  }
  resetGlobals();
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME || !options.serviceName ? {} : { serviceName: options.serviceName }),
    ...(options.spanExporter ? { spanProcessors: [new SimpleSpanProcessor(options.spanExporter)] } : {}),
    // Metrics stay on prom-client (`/metrics`) and logs on pino to stdout, unless the environment asks.
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not work anybody traces; live streams last for hours.
        ignoreIncomingRequestHook: (request) =>
          ignoredPath(request.url?.split('?')[0] ?? '') || request.headers.accept === 'text/event-stream',
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // Pollers (the outbox relay, deadlines, projectors between batches) query outside any trace.
      new PgInstrumentation({ requireParentSpan: true }),
      // The request and its handler, named by the route; not a span per hook (a dozen per request).
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: ({ url }) => ignoredPath(url.split('?')[0] ?? ''),
        requestHook: (span, request) => {
          if (request.routeOptions.url) span.updateName(`${request.method} ${request.routeOptions.url}`);
        },
        lifecycleHook: (span, { hookName, request }) => {
          if (hookName === 'handler') span.updateName(`handler ${request.routeOptions.url ?? ''}`.trim());
        },
      }),
    ],
  });
  sdk.start();
  const started: Telemetry = {
    exporting: true,
    flush: async () => {
      const provider = trace.getTracerProvider() as unknown as { forceFlush?: () => Promise<void> };
      const delegate = (provider as { getDelegate?: () => unknown }).getDelegate?.() as
        | { forceFlush?: () => Promise<void> }
        | undefined;
      await (delegate ?? provider).forceFlush?.();
    },
    shutdown: async () => {
      await sdk.shutdown();
      if (current === started) {
        resetGlobals();
        current = recordingNothing();
      }
    },
  };
  current = started;
  return started;
}

/** Exports what is pending and stops telemetry (a process that stops: its last spans are not lost). */
export async function stopTelemetry(): Promise<void> {
  await current?.shutdown();
}

function resetGlobals() {
  trace.disable();
  context.disable();
  propagation.disable();
  current = undefined;
}

/**
 * Spans that record nothing but have ids: a new span id in the parent's trace (or a new trace), keeping the
 * parent's sampled flag, so a process that exports downstream of one that does not still records the trace.
 */
function idsOnlyTracerProvider(): TracerProvider {
  const ids = new RandomIdGenerator();
  const startSpan = (_name: string, _options?: SpanOptions, parent: Context = context.active()): Span => {
    const parentContext = trace.getSpanContext(parent);
    return trace.wrapSpanContext({
      traceId: parentContext?.traceId ?? ids.generateTraceId(),
      spanId: ids.generateSpanId(),
      traceFlags: parentContext?.traceFlags ?? TraceFlags.SAMPLED,
    });
  };
  const tracer: Tracer = {
    startSpan,
    startActiveSpan: ((name: string, ...rest: unknown[]) => {
      const work = rest.pop() as (span: Span) => unknown;
      const [options, parent] = rest as [SpanOptions | undefined, Context | undefined];
      const span = startSpan(name, options, parent);
      return context.with(trace.setSpan(parent ?? context.active(), span), () => work(span));
    }) as Tracer['startActiveSpan'],
  };
  return { getTracer: () => tracer };
}

function recordingNothing(env: NodeJS.ProcessEnv = process.env): Telemetry {
  // OTEL_SDK_DISABLED: no tracer at all (the API's, which makes no ids): what tracing costs is measured
  // against this. The conversation and the caller's trace headers still travel.
  if (env.OTEL_SDK_DISABLED !== 'true') trace.setGlobalTracerProvider(idsOnlyTracerProvider());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  return { exporting: false, flush: async () => {}, shutdown: async () => {} };
}
