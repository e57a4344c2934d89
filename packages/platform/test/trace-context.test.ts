import { createHttpServer } from '@tessera/platform/http';
import {
  createEmbeddedBroker,
  type Envelope,
  embeddedBrokerMigrations,
  newEnvelope,
} from '@tessera/platform/messaging';
import { metricsRegistry } from '@tessera/platform/observability';
import { migrate } from '@tessera/platform/sql';
import { testDatabases } from '@tessera/platform/testing';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { traceFields } from '../src/observability/trace-context.js';

const traceIdOf = (traceparent: string) => traceparent.slice(3, 35);
const spanIdOf = (traceparent: string) => traceparent.slice(36, 52);

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe.each(testDatabases)(
  'a trace follows a request through the messages it causes, on $backend',
  (backend) => {
    it("carries the caller's trace and correlation from HTTP to the handlers, their log fields and what they publish", async () => {
      const opened = await backend.open();
      const handledCount = async (group: string) =>
        (await metricsRegistry.getSingleMetric('messaging_deliveries_total')!.get()).values.find(
          (v) => v.labels.group === group && v.labels.outcome === 'handled',
        )?.value ?? 0;
      const handledBefore: Record<string, number> = { 'trace-first': await handledCount('trace-first') };
      try {
        await migrate(opened.db, [embeddedBrokerMigrations()]);
        const broker = createEmbeddedBroker({ db: opened.db });
        const logFields: Array<Record<string, string>> = [];
        const received: Envelope[] = [];
        let done!: () => void;
        const finished = new Promise<void>((resolve) => {
          done = resolve;
        });
        await broker.subscribe({
          group: 'trace-first',
          subjects: ['trace.first'],
          handle: async () => {
            logFields.push(traceFields());
            // Not derived from the incoming message: it still joins its conversation and trace.
            await broker.publish([
              newEnvelope('tests', { type: 'tests.Second', subject: 'trace.second', key: 'k', data: {} }),
            ]);
          },
        });
        await broker.subscribe({
          group: 'trace-second',
          subjects: ['trace.second'],
          handle: async (message) => {
            received.push(message);
            done();
          },
        });

        const http = await createHttpServer({ logger: pino({ level: 'silent' }), title: 'T', version: '1' });
        http.post('/start', async () => {
          logFields.push(traceFields());
          await broker.publish([
            newEnvelope('tests', { type: 'tests.First', subject: 'trace.first', key: 'k', data: {} }),
          ]);
          return { ok: true };
        });
        const response = await http.inject({
          method: 'POST',
          url: '/start',
          headers: { traceparent: TRACEPARENT, 'x-correlation-id': 'order-42' },
        });
        expect(response.statusCode).toBe(200);
        expect(response.headers['x-correlation-id']).toBe('order-42');
        // The request is a span of its own in the caller's trace.
        expect(traceIdOf(String(response.headers.traceparent))).toBe(TRACE_ID);
        expect(response.headers.traceparent).not.toBe(TRACEPARENT);

        await finished;
        const { rows } = await opened.db.query<{ id: string; envelope: string }>(
          `SELECT id, envelope::text AS envelope FROM broker.messages WHERE subject = 'trace.first'`,
        );
        const first = JSON.parse(rows[0]!.envelope) as Envelope;
        expect(first.correlationId).toBe('order-42');
        expect(first.traceparent).toBe(response.headers.traceparent);
        const second = received[0]!;
        expect(second.correlationId).toBe('order-42');
        expect(second.causationId).toBe(first.id);
        expect(traceIdOf(second.traceparent!)).toBe(TRACE_ID);
        expect(second.traceparent).not.toBe(first.traceparent);
        // What the logs of the request and of the handler carry.
        // (OpenTelemetry's field names: the span is the request's, then the handling's.)
        expect(logFields).toEqual([
          {
            correlationId: 'order-42',
            trace_id: TRACE_ID,
            span_id: spanIdOf(first.traceparent!),
            trace_flags: '01',
          },
          {
            correlationId: 'order-42',
            causationId: first.id,
            trace_id: TRACE_ID,
            span_id: spanIdOf(second.traceparent!),
            trace_flags: '01',
          },
        ]);
        expect(traceFields()).toEqual({}); // outside any request or handling
        // The first handling was counted, by group and outcome: it committed before the second message
        // existed (the counter is the process's, hence the difference).
        expect((await handledCount('trace-first')) - handledBefore['trace-first']!).toBe(1);
        // Without a traceparent, a request starts a trace and is its own correlation.
        const fresh = await http.inject({
          method: 'POST',
          url: '/start',
          headers: { traceparent: 'garbage' },
        });
        expect(String(fresh.headers.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        expect(traceIdOf(String(fresh.headers.traceparent))).not.toBe(TRACE_ID);
        expect(fresh.headers['x-correlation-id']).toBeTruthy();
        await http.close();
        await broker.close();
      } finally {
        await opened.close();
      }
    });
  },
);
