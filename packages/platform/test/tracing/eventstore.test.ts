import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '@tessera/platform/observability';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { happened, type Opened, openProjections } from '../projections/support.js';
import { failed, isChildOf, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

describe.each(testDatabases)('the span of an append, on $backend', (backend) => {
  let opened: Opened | OpenedTestDatabase | undefined;
  let store: Opened['store'];
  beforeAll(async () => {
    const o = await openProjections(backend);
    opened = o;
    store = o.store;
  });
  afterAll(() => opened?.close());

  it('is named by the stream category, a child of the work that appends', async () => {
    let work!: string;
    await inSpan('test command', {}, async (span) => {
      work = span.spanContext().spanId;
      await store.append('Order-o1', [happened(1), happened(2)], { expectedVersion: 'no_stream' });
    });
    const append = await spans.named('append Order', (s) => s.parentSpanContext?.spanId === work);
    expect(append.kind).toBe(SpanKind.INTERNAL);
    expect(append.attributes).toMatchObject({
      'tessera.aggregate.id': 'o1',
      'tessera.events.count': 2,
      'tessera.stream.name': 'Order-o1',
    });
    expect(failed(append)).toBe(false);
  });

  it('marks an append that conflicts as an error', async () => {
    await store.append('Order-o2', [happened(1)]);
    const command = inSpan('test command', {}, () =>
      store.append('Order-o2', [happened(2)], { expectedVersion: 'no_stream' }),
    );
    await expect(command).rejects.toThrow();
    const append = await spans.named(
      'append Order',
      (s) => s.attributes['tessera.aggregate.id'] === 'o2' && failed(s),
    );
    const parent = await spans.named('test command', (s) => isChildOf(append, s));
    expect(failed(parent)).toBe(true);
  });
});
