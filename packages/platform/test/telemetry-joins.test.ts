import { Writable } from 'node:stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createHttpServer } from '@tessera/platform/http';
import { createEmbeddedBroker, embeddedBrokerMigrations, newEnvelope } from '@tessera/platform/messaging';
import { createLogger, startTelemetry, type Telemetry } from '@tessera/platform/observability';
import { migrate } from '@tessera/platform/sql';
import { eventually, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Log lines and metrics joined to traces (ADR 0045, 0046): the ids a line or an exemplar names are a span's. */

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;
beforeAll(() => {
  telemetry = startTelemetry({ spanExporter: exporter });
});
afterAll(() => telemetry.shutdown());

type LogLine = Record<string, unknown>;
function logLines() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', format: 'json', destination }) };
}

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';
/** A sample line with an exemplar: `name{labels} value # {trace_id="…",span_id="…"} value timestamp`. */
const EXEMPLAR = /^(\w+)\{([^}]*)\} \S+ # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} \S+ \S+$/;

const exemplarsOf = (body: string, metric: string, labels: string[]) =>
  body
    .split('\n')
    .map((line) => EXEMPLAR.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === metric)
    .filter((m) => labels.every((label) => m[2]!.split(',').includes(label)))
    .map((m) => ({ traceId: m[3]!, spanId: m[4]! }));

/** A line of the Prometheus text format: a comment, or a sample `name{labels} value` (a float as Go parses it). */
const PROMETHEUS_LINE =
  /^(#.*|[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.]+(e[-+]?\d+)?|nan|[-+]?inf))$/i;

const idsOf = (span: ReadableSpan) => ({
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
});

describe.each(testDatabases)('logs and metrics joined to traces, on $backend', (backend) => {
  it("a request's and a handler's log lines and duration exemplars name their spans; the plain answer stays Prometheus text", async () => {
    exporter.reset();
    const opened = await backend.open();
    const group = `joins-${backend.backend}`;
    const { lines, logger } = logLines();
    const http = await createHttpServer({ logger, title: 'T', version: '1' });
    try {
      await migrate(opened.db, [embeddedBrokerMigrations()]);
      const broker = createEmbeddedBroker({ db: opened.db });
      let attempts = 0;
      await broker.subscribe({
        group,
        subjects: ['joins.ordered'],
        backoff: () => 0,
        handle: async () => {
          attempts++;
          logger.info({ attempt: attempts }, 'handling');
          if (attempts === 1) throw new Error('first attempt fails');
        },
      });
      http.post('/joins/:id', async (request) => {
        request.log.info('publishing');
        await broker.publish([
          newEnvelope('tests', { type: 'tests.JoinsOrdered', subject: 'joins.ordered', key: 'k', data: {} }),
        ]);
        return { ok: true };
      });

      const response = await http.inject({ method: 'POST', url: '/joins/7' });
      expect(response.statusCode).toBe(200);
      const spans = await eventually(
        'the second handling span ended',
        async () => exporter.getFinishedSpans(),
        (all) => all.filter((s) => s.name === 'process tests.JoinsOrdered').length >= 2,
      );
      const request = spans.find((s) => s.name === 'POST /joins/:id')!;
      // Fastify's instrumentation, when it is active, makes the route's handler a span of its own.
      const routeHandler = spans.find((s) => s.name === 'handler /joins/:id') ?? request;
      const [failed, handled] = spans.filter(
        (s) =>
          s.name === 'process tests.JoinsOrdered' && s.attributes['messaging.consumer.group.name'] === group,
      );
      expect(request).toBeDefined();
      // The handlings continue the request's trace.
      expect(handled!.spanContext().traceId).toBe(request.spanContext().traceId);

      // Every line carries the ids of the span it was written in.
      const idsOfLine = (line: LogLine) => ({ traceId: line.trace_id, spanId: line.span_id });
      expect(idsOfLine(lines.find((l) => l.msg === 'publishing')!)).toEqual(idsOf(routeHandler));
      expect(idsOfLine(lines.find((l) => l.msg === 'request completed' && l.url === '/joins/7')!)).toEqual(
        idsOf(request),
      );
      expect(idsOfLine(lines.find((l) => l.msg === 'handling' && l.attempt === 1)!)).toEqual(idsOf(failed!));
      expect(idsOfLine(lines.find((l) => l.msg === 'handling' && l.attempt === 2)!)).toEqual(idsOf(handled!));

      // OpenMetrics: the duration buckets keep the trace of their latest sampled measure.
      const open = await http.inject({ method: 'GET', url: '/metrics', headers: { accept: OPENMETRICS } });
      expect(open.headers['content-type']).toContain('application/openmetrics-text');
      expect(open.body.endsWith('# EOF\n')).toBe(true);
      expect(
        exemplarsOf(open.body, 'http_request_duration_seconds_bucket', ['route="/joins/:id"']),
      ).toContainEqual(idsOf(request));
      const handler = ['group', 'type'].map((l) =>
        l === 'group' ? `group="${group}"` : 'type="tests.JoinsOrdered"',
      );
      expect(
        exemplarsOf(open.body, 'messaging_handler_duration_seconds_bucket', [...handler, 'outcome="ok"']),
      ).toContainEqual(idsOf(handled!));
      // The failed attempt counts as an error of that handler, with its own trace.
      expect(
        exemplarsOf(open.body, 'messaging_handler_duration_seconds_bucket', [...handler, 'outcome="error"']),
      ).toContainEqual(idsOf(failed!));
      // OpenMetrics names a counter's family without `_total`, its samples with it.
      expect(open.body).toContain('# TYPE messaging_deliveries counter');
      expect(open.body).toMatch(
        new RegExp(`^messaging_deliveries_total\\{group="${group}",outcome="retried"\\} 1$`, 'm'),
      );

      // The plain answer after it: the Prometheus text format, counters still named `_total`, no exemplar.
      const plain = await http.inject({ method: 'GET', url: '/metrics' });
      expect(plain.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const bad = plain.body.split('\n').filter((line) => line !== '' && !PROMETHEUS_LINE.test(line));
      expect(bad).toEqual([]);
      expect(plain.body).not.toContain('trace_id');
      expect(plain.body).toContain('# TYPE messaging_deliveries_total counter');
      expect(plain.body).toMatch(
        new RegExp(
          `^messaging_handler_duration_seconds_count\\{group="${group}",type="tests.JoinsOrdered",outcome="error"\\} 1$`,
          'm',
        ),
      );
      await broker.close();
    } finally {
      await http.close();
      await opened.close();
    }
  });
});
