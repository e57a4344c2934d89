import { trace } from '@opentelemetry/api';
import { defineTracedHistogram, inSpan, metricsAnswer } from '@tessera/platform/observability';
import { describe, expect, it } from 'vitest';
import { sampledSpanContext } from '../src/observability/metrics.js';

const waits = defineTracedHistogram({
  name: 'test_exemplar_wait_seconds',
  help: 'A histogram of this test',
  labelNames: ['kind'],
  buckets: [0.1, 1],
});

describe('exemplars when no trace is exported', () => {
  it('are not made: the tracer of ids marks its spans sampled, but records nothing', async () => {
    await inSpan('untraced work', {}, async (span) => {
      expect(span.spanContext().traceFlags & 1).toBe(1);
      expect(sampledSpanContext()).toBeUndefined();
      waits.observe({ kind: 'untraced' }, 0.05);
    });
    const { contentType, body } = await metricsAnswer('application/openmetrics-text; version=1.0.0');
    expect(contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const lines = body.split('\n').filter((line) => line.startsWith('test_exemplar_wait_seconds_bucket'));
    expect(lines).toContain('test_exemplar_wait_seconds_bucket{le="0.1",kind="untraced"} 1');
    expect(lines.some((line) => line.includes('#'))).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('the Prometheus text format is the answer to any scraper that does not ask for OpenMetrics', async () => {
    for (const accept of [undefined, 'text/plain', '*/*', 'text/plain;version=0.0.4;q=0.3,*/*;q=0.2']) {
      const { contentType, body } = await metricsAnswer(accept);
      expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(body).not.toContain('# EOF');
      expect(body).toContain('# TYPE process_cpu_seconds_total counter');
    }
    // Prometheus's own Accept header names OpenMetrics first.
    const scraped = await metricsAnswer(
      'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
    expect(scraped.body).toContain('# TYPE process_cpu_seconds counter');
    expect(scraped.body.endsWith('# EOF\n')).toBe(true);
  });
});
