import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { passwordToken } from '@tessera/platform/identity';
import {
  type Answer,
  eventually,
  type Method,
  type RunningSystem,
  startSystem,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import { checkOut, mallbotsClient, stockedMall } from '../cosec/support.js';
import { ENTRY, repoRoot } from '../support/entry.js';

/** A span as OTLP/JSON carries it, with the service and instrumentation scope it came from. */
interface ReceivedSpan {
  readonly service: string;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** OTLP's numbering: 2 server, 3 client, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, string | number | boolean | undefined>>;
}

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttribute[];
      }>;
    }>;
  }>;
}

const plainValue = (value: OtlpValue) =>
  value.stringValue ??
  (value.intValue === undefined ? undefined : Number(value.intValue)) ??
  value.boolValue ??
  value.doubleValue;
const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, plainValue(value)]));

/**
 * An OTLP/HTTP receiver (JSON) on a free port, as a collector would be: every process of the topology
 * exports its spans here, each with its own `service.name`.
 */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const traces = JSON.parse(body.toString('utf8')) as OtlpTraces;
      for (const resourceSpans of traces.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scopeSpans of resourceSpans.scopeSpans ?? [])
          for (const span of scopeSpans.spans ?? [])
            spans.push({
              service,
              scope: scopeSpans.scope?.name ?? '',
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
            });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every process the checkout goes through, as the launcher names their services. */
const SERVICES = [
  'gateway',
  ...['baskets', 'ordering', 'cosec', 'customers', 'depot', 'payments', 'notifications', 'search'].map(
    (module) => `mallbots.${module}`,
  ),
];

// The distributed topology as `npm run start:distributed` runs it (its own databases, roles and stream),
// each process exporting over OTLP/HTTP (JSON) to a receiver this test runs: the instrumented whole (http,
// undici, pg, Fastify) that a vitest worker's host cannot show.
describe('one checkout through the distributed MallBots is one trace across its processes', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let system: RunningSystem;
  let orderId: string;
  let trace: ReceivedSpan[];
  let checkout: ReceivedSpan;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    system = await startSystem({
      application: mallbots,
      profile: 'distributed',
      entry: ENTRY,
      cwd: repoRoot,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ROBOTS: '0',
      },
    });
    const token = passwordToken({ tokenUrl: `${system.baseUrl}/oauth/token`, ...system.operator });
    const call = async (method: Method, path: string, body?: unknown): Promise<Answer> => {
      const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${system.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
        json: <T>() => JSON.parse(text) as T,
      };
    };
    const mall = mallbotsClient(call);
    const { arm, wheel } = await stockedMall(mall);
    const customerId = await mall.registerCustomer();
    ({ basketId: orderId } = await checkOut(mall, customerId, [
      [arm, 1],
      [wheel, 2],
    ]));
    expect((await mall.settledOrder(orderId)).status).toBe('approved');

    // Until the order's trace has arrived whole: every process's spans, the text sent, the saga's last reply
    // heard, and each span's parent received (the processes export on their own schedules).
    const isCheckout = (span: ReceivedSpan) =>
      span.service === 'gateway' &&
      span.kind === SERVER &&
      span.name.startsWith('PUT') &&
      String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').includes(
        `${orderId}/checkout`,
      );
    /** What the trace still lacks (nothing, once it is whole): a readable last value if it never is. */
    const missing = (spans: readonly ReceivedSpan[]): string[] => {
      const root = spans.find(isCheckout);
      if (!root) return ["the gateway's checkout span"];
      const inTrace = spans.filter((span) => span.traceId === root.traceId);
      const ids = new Set(inTrace.map((span) => span.spanId));
      return [
        ...SERVICES.filter((service) => !inTrace.some((span) => span.service === service)),
        ...(inTrace.some((span) => span.name === 'sms send') ? [] : ['sms send']),
        ...(inTrace.some(
          (span) =>
            span.name === 'process reply.Success' && span.attributes['tessera.message.source'] === 'ordering',
        )
          ? []
          : ["the saga's last reply"]),
        ...inTrace
          .filter((span) => span !== root && !(span.parentSpanId && ids.has(span.parentSpanId)))
          .map((span) => `the parent of ${span.service} ${span.name} (${span.scope})`),
      ];
    };
    await eventually(
      "the order's trace has arrived whole",
      async () => missing(receiver.spans),
      (lacking) => lacking.length === 0,
      30_000,
    );
    checkout = receiver.spans.find(isCheckout)!;
    trace = receiver.spans.filter((span) => span.traceId === checkout.traceId);
  }, 300_000);

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  }, 60_000);

  it("has every process's spans in the one trace of the order, from the gateway's checkout request", () => {
    expect(checkout.parentSpanId).toBeUndefined();
    const services = new Set(trace.map((span) => span.service));
    for (const service of SERVICES) expect(services, service).toContain(service);
    // Each handling of a message about the order, in any process, is in this trace.
    const conversation = trace.find(
      (span) => span.kind === CONSUMER && span.name === 'process ordersapi.OrderCreated',
    )?.attributes['messaging.message.conversation_id'];
    expect(conversation).toBeTruthy();
    const ofConversation = receiver.spans.filter(
      (span) => span.attributes['messaging.message.conversation_id'] === conversation,
    );
    expect(new Set(ofConversation.map((span) => span.traceId))).toEqual(new Set([checkout.traceId]));
    expect(new Set(ofConversation.map((span) => span.service)).size).toBeGreaterThanOrEqual(6);
  });

  it('joins the processes through HTTP: the gateway calls Baskets as a client, Baskets serves it as its child', () => {
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const served = trace.find(
      (span) =>
        span.service === 'mallbots.baskets' &&
        span.kind === SERVER &&
        span.scope === '@opentelemetry/instrumentation-http',
    );
    expect(served, "Baskets' http server span").toBeDefined();
    const caller = byId.get(served!.parentSpanId!);
    expect(caller).toMatchObject({ service: 'gateway', kind: CLIENT });
  });

  it('includes the instrumentations: http, and pg queries of several processes in the trace', () => {
    const scopes = new Set(trace.map((span) => span.scope));
    expect(scopes).toContain('@opentelemetry/instrumentation-http');
    expect(scopes).toContain('@opentelemetry/instrumentation-pg');
    const queries = trace.filter((span) => span.scope === '@opentelemetry/instrumentation-pg');
    for (const query of queries) expect(query.kind).toBe(CLIENT);
    expect(new Set(queries.map((span) => span.service)).size).toBeGreaterThanOrEqual(5);
  });

  it("texts the customer from Notifications' process in the order's trace, with no number in any span", () => {
    const sms = trace.filter((span) => span.name === 'sms send');
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({
      service: 'mallbots.notifications',
      kind: CLIENT,
      attributes: { 'peer.service': 'sms-provider' },
    });
    // Queries are recorded as their text, never their parameters: the number is in no span, pg's included.
    expect(JSON.stringify(trace)).not.toContain('5551234567');
  });
});
