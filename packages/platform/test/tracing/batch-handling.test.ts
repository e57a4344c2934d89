import { SpanKind } from '@opentelemetry/api';
import { newEnvelope } from '@tessera/platform/messaging';
import { currentConversation, inSpan } from '@tessera/platform/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlingOfBatch } from '../../src/messaging/envelope.js';
import { idOf, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

describe('the span of a batch handling', () => {
  it("is one consumer span linked to each message's producer, in the first message's conversation", async () => {
    const produce = (n: number) =>
      inSpan(`produce ${n}`, {}, async () =>
        newEnvelope('tests', { type: 'tests.Happened', subject: 'tests.batch', key: `k${n}`, data: { n } }),
      );
    const messages = [await produce(1), await produce(2), await produce(3)];
    let correlation: string | undefined;
    await handlingOfBatch(
      messages,
      async () => {
        correlation = currentConversation()?.correlationId;
      },
      { group: 'tests-batch' },
    );

    const batch = await spans.named('process tests-batch');
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.attributes['messaging.batch.message_count']).toBe(3);
    expect(batch.attributes['messaging.consumer.group.name']).toBe('tests-batch');
    const producers = await Promise.all([1, 2, 3].map((n) => spans.named(`produce ${n}`)));
    expect(batch.links.map((link) => link.context.spanId)).toEqual(producers.map(idOf));
    expect(batch.links.map((link) => link.attributes?.['messaging.message.id'])).toEqual(
      messages.map((message) => message.id),
    );
    expect(correlation).toBe(messages[0]!.correlationId);
  });
});
