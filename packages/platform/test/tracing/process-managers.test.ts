import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { metricsRegistry } from '@tessera/platform/observability';
import { pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoApproval, runAutoApproval } from '../sagas/auto-approval.js';
import { openSagaTestbed, type SagaTestbed, unique } from '../sagas/support.js';
import { idOf, isChildOf, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

const ofInstance = (id: string) => (span: ReadableSpan) => span.attributes['tessera.saga.id'] === id;

describe('the spans of a process manager', () => {
  let bed: SagaTestbed;
  let running: Awaited<ReturnType<typeof runAutoApproval>>;

  beforeAll(async () => {
    bed = await openSagaTestbed(pgliteTestDatabase, 'embedded');
    running = await runAutoApproval(bed);
  });
  afterAll(async () => {
    await running?.stop();
    await bed?.close();
  });

  const publish = (lc: string, type: string, data: Record<string, unknown> = {}) =>
    running.publish(lc, type, data);

  it('is a span per message that moves an instance, a child of its handling, parent of the command it sends', async () => {
    const lc = `lc-${unique()}`;
    await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 1_000_000, currency: 'USD' });
    await publish(lc, 'lcapi.LCApplicationSubmitted', { amountCents: 1_000_000, currency: 'USD' });
    for (const check of ['ProductValueValidated', 'ProductLegalityValidated', 'ApplicantCreditValidated']) {
      await publish(lc, `lcapi.${check}`, { decision: 'APPROVED' });
    }
    await running.received.until((all) => all.some((c) => c.key === lc));

    const started = await spans.named(
      `process manager ${autoApproval.name} lcapi.LCApplicationSubmitted`,
      (span) => ofInstance(lc)(span) && span.attributes['tessera.saga.outcome'] === 'running',
    );
    const handling = (await spans.finished()).find(
      (span) => span.name === 'process lcapi.LCApplicationSubmitted' && isChildOf(started, span),
    );
    expect(handling, 'the handling of the submission that started it').toBeDefined();
    // The second submission of the same application moves nothing: its span says so.
    await spans.named(
      `process manager ${autoApproval.name} lcapi.LCApplicationSubmitted`,
      (span) => ofInstance(lc)(span) && span.attributes['tessera.saga.outcome'] === 'ignored',
    );
    // The last check sends the approval: the command's handling is a child of that move.
    const lastCheck = await spans.named(
      `process manager ${autoApproval.name} lcapi.ApplicantCreditValidated`,
      ofInstance(lc),
    );
    const approval = await spans.named('process lcapi.ApproveLCApplication', (span) =>
      isChildOf(span, lastCheck),
    );
    expect(approval.parentSpanContext?.spanId).toBe(idOf(lastCheck));

    // Each move is timed too (RED per saga), by what moved it and its outcome, its trace as an exemplar.
    const counted = (
      await metricsRegistry.getSingleMetric('saga_move_duration_seconds')!.get()
    ).values.filter(
      (value) =>
        (value as { metricName?: string }).metricName === 'saga_move_duration_seconds_count' &&
        value.labels.saga === autoApproval.name &&
        value.labels.move === 'message',
    );
    expect(counted.find((value) => value.labels.outcome === 'ignored')?.value).toBeGreaterThanOrEqual(1);
    expect(counted.find((value) => value.labels.outcome === 'running')?.value).toBeGreaterThanOrEqual(4);
  });
});
