import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { failedPrecondition } from '@tessera/platform/ddd';
import { onCommands } from '@tessera/platform/messaging';
import { inSpan } from '@tessera/platform/observability';
import { defineSaga, type SagaCoordinator, startSagaCoordinator } from '@tessera/platform/sagas';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSagaTestbed, type SagaTestbed, unique } from '../sagas/support.js';
import { failed, idOf, isChildOf, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

const COMMANDS = 'tracing.saga.commands';
const command = (type: string, id: string) => ({ type, channel: COMMANDS, key: id, data: { id } });
const saga = defineSaga<{ id: string }>({
  name: 'tests.Traced',
  replyChannel: 'tracing.saga.replies',
  steps: [
    {
      name: 'reserve',
      action: (d) => command('tests.Reserve', d.id),
      compensation: (d) => command('tests.Release', d.id),
    },
    { name: 'charge', action: (d) => command('tests.Charge', d.id), timeoutMs: 60_000 },
  ],
});
const broken = defineSaga<{ id: string }>({
  name: 'tests.Broken',
  replyChannel: 'tracing.broken.replies',
  steps: [
    {
      name: 'explode',
      action: () => {
        throw new Error('cannot build the command');
      },
    },
  ],
});

const ofSaga = (id: string) => (span: ReadableSpan) => span.attributes['tessera.saga.id'] === id;

describe.each(testDatabases)('the spans of a saga, on $backend', (backend) => {
  let bed: SagaTestbed;
  let coordinator: SagaCoordinator;

  beforeAll(async () => {
    bed = await openSagaTestbed(backend, 'embedded');
    const { db, broker } = bed;
    const byId = z.object({ id: z.string() });
    await broker.subscribe({
      group: 'tracing-participant',
      subjects: [COMMANDS],
      maxAttempts: 1,
      handle: onCommands(
        { 'tests.Reserve': byId, 'tests.Release': byId, 'tests.Charge': byId },
        {
          'tests.Reserve': async () => 'reserved',
          'tests.Release': async () => undefined,
          'tests.Charge': async ({ id }) => {
            if (id.startsWith('refused')) throw failedPrecondition('card_declined', 'declined');
            // Never answered: the step times out.
            if (id.startsWith('held')) throw new Error('the bank is slow');
            return 'charged';
          },
        },
        { publisher: broker, source: 'participant', db },
      ),
    });
    coordinator = await startSagaCoordinator(
      { db, broker, deadlines: bed.deadlines, clock: bed.clock, logger: bed.logger },
      [saga, broken],
    );
  });
  afterAll(async () => {
    await coordinator?.stop();
    await bed?.close();
  });

  it('runs each step in the trace of what moved it: the start, then a reply', async () => {
    const id = `done-${unique()}`;
    let trigger!: string;
    await inSpan('test trigger', {}, async (span) => {
      trigger = span.spanContext().spanId;
      await coordinator.start(saga, id, { id });
    });
    await bed.until(id, 'completed');
    const first = await spans.named('saga tests.Traced reserve', ofSaga(id));
    expect(first.parentSpanContext?.spanId).toBe(trigger);
    expect(first.attributes).toMatchObject({
      'tessera.saga.name': 'tests.Traced',
      'tessera.saga.step': 'reserve',
      'tessera.saga.outcome': 'running',
    });
    // The participant handles the step's command as its child.
    const reserved = await spans.named('process tests.Reserve', (s) => isChildOf(s, first));
    expect(reserved.attributes['tessera.message.key']).toBe(id);
    const reply = await spans.named(
      'saga tests.Traced reply reply.Success',
      (s) => ofSaga(id)(s) && s.attributes['tessera.saga.step'] === 'reserve',
    );
    const handling = (await spans.finished()).find((s) => idOf(s) === reply.parentSpanContext?.spanId)!;
    expect(handling.name).toBe('process reply.Success');
    const second = await spans.named('saga tests.Traced charge', (s) => ofSaga(id)(s) && isChildOf(s, reply));
    expect(second.attributes['tessera.saga.step']).toBe('charge');
    const last = await spans.named(
      'saga tests.Traced reply reply.Success',
      (s) => ofSaga(id)(s) && s.attributes['tessera.saga.outcome'] === 'completed',
    );
    expect(failed(last)).toBe(false);
  });

  it('compensates in the trace of the refusal', async () => {
    const id = `refused-${unique()}`;
    await inSpan('test trigger', {}, () => coordinator.start(saga, id, { id }));
    await bed.until(id, 'compensated');
    const refusal = await spans.named('saga tests.Traced reply reply.Failure', ofSaga(id));
    expect(refusal.attributes['tessera.saga.outcome']).toBe('compensating');
    const compensation = await spans.named('saga tests.Traced compensate reserve', ofSaga(id));
    expect(isChildOf(compensation, refusal)).toBe(true);
    await spans.named('process tests.Release', (s) => isChildOf(s, compensation));
  });

  it('times a step out in the trace of the step, through its deadline', async () => {
    const id = `held-${unique()}`;
    await inSpan('test trigger', {}, () => coordinator.start(saga, id, { id }));
    const charge = await spans.named('saga tests.Traced charge', ofSaga(id));
    await bed.until(id, 'sent', 2);
    bed.clock.advance(60_000);
    await bed.until(id, 'timed_out');
    const fired = await spans.named('deadline sagas.StepTimedOut', (s) => isChildOf(s, charge));
    const timeout = await spans.named('saga tests.Traced timeout charge', ofSaga(id));
    const handling = (await spans.finished()).find((s) => idOf(s) === timeout.parentSpanContext?.spanId)!;
    expect(handling.name).toBe('process sagas.StepTimedOut');
    expect(isChildOf(handling, fired)).toBe(true);
    await spans.named('saga tests.Traced compensate reserve', (s) => ofSaga(id)(s) && isChildOf(s, timeout));
  });

  it('marks a step whose action throws as an error', async () => {
    const id = `broken-${unique()}`;
    await expect(inSpan('test trigger', {}, () => coordinator.start(broken, id, { id }))).rejects.toThrow(
      'cannot build the command',
    );
    const step = await spans.named('saga tests.Broken explode', ofSaga(id));
    expect(failed(step)).toBe(true);
  });
});
