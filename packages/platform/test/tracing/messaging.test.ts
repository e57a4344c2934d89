import { SpanKind } from '@opentelemetry/api';
import {
  type Broker,
  command,
  createEmbeddedBroker,
  createNatsBroker,
  embeddedBrokerMigrations,
  natsBrokerMigrations,
  newEnvelope,
  onCommands,
} from '@tessera/platform/messaging';
import { inSpan } from '@tessera/platform/observability';
import { migrate } from '@tessera/platform/sql';
import {
  deleteTestStream,
  type OpenedTestDatabase,
  postgresTestDatabase,
  testDatabases,
  testNatsUrl,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { brokerOfModule } from '../../src/runtime/broker.js';
import { failed, idOf, isChildOf, linksTo, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

const approve = z.object({ id: z.string(), fail: z.boolean().optional() });
const approval = (id: string, fail = false) =>
  command('tests', {
    type: 'tests.ApproveOrder',
    channel: 'tracing.commands',
    key: id,
    data: { id, fail },
    replyTo: 'tracing.replies',
  });

describe.each(testDatabases)('the spans of a command through the embedded broker, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let broker: Broker;

  beforeAll(async () => {
    opened = await backend.open();
    const { db } = opened;
    await migrate(db, [embeddedBrokerMigrations()]);
    broker = createEmbeddedBroker({ db, idleRecheckMs: 3_600_000, onError: () => {} });
    // As the host gives each module its broker: the handlings' spans name the module.
    await brokerOfModule(broker, 'ordering').subscribe({
      group: 'tracing-commands',
      subjects: ['tracing.commands'],
      maxAttempts: 1,
      handle: onCommands(
        { 'tests.ApproveOrder': approve },
        {
          'tests.ApproveOrder': async ({ fail }) => {
            if (fail) throw new Error('the ledger is down');
            return 'approved';
          },
        },
        { publisher: broker, source: 'ordering', db },
      ),
    });
  });
  afterAll(async () => {
    await broker?.close();
    await opened?.close();
  });

  it('sends as a producer span, handles as a consumer span of the module, then the command as its child', async () => {
    const id = `order-${backend.backend}-ok`;
    let request!: string;
    await inSpan('test request', {}, async (span) => {
      request = span.spanContext().spanId;
      await broker.publish([approval(id)]);
    });
    const handled = await spans.named(
      'command ApproveOrder',
      (s) => s.attributes['tessera.aggregate.id'] === id,
    );
    // The handling's span ends after the command's (its transaction commits after it): waited for by name.
    const process = await spans.named(
      'process tests.ApproveOrder',
      (s) => idOf(s) === handled.parentSpanContext?.spanId,
    );
    const all = await spans.finished();
    const requestSpan = all.find((s) => idOf(s) === request)!;
    const send = all.find((s) => s.name === 'send tracing.commands' && isChildOf(s, requestSpan))!;
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.attributes['messaging.system']).toBe('tessera-embedded');
    expect(send.attributes['messaging.batch.message_count']).toBe(1);
    expect(linksTo(send, request)).toBe(true);

    expect(process.name).toBe('process tests.ApproveOrder');
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(isChildOf(process, requestSpan)).toBe(true);
    expect(process.attributes).toMatchObject({
      'tessera.module': 'ordering',
      'messaging.consumer.group.name': 'tracing-commands',
      'tessera.message.key': id,
    });
    expect(handled.kind).toBe(SpanKind.INTERNAL);
    expect(handled.attributes).toMatchObject({
      'tessera.module': 'ordering',
      'tessera.command': 'tests.ApproveOrder',
      'tessera.aggregate.id': id,
    });
    expect(failed(handled)).toBe(false);
    // The reply is sent in the handling, after the command's span.
    const reply = await spans.named('send tracing.replies', (s) => isChildOf(s, process));
    expect(reply.kind).toBe(SpanKind.PRODUCER);
  });

  it('marks a failing command and its handling as errors', async () => {
    const id = `order-${backend.backend}-fails`;
    await inSpan('test request', {}, () => broker.publish([approval(id, true)]));
    const handled = await spans.named(
      'command ApproveOrder',
      (s) => s.attributes['tessera.aggregate.id'] === id,
    );
    expect(failed(handled)).toBe(true);
    expect(handled.status.message).toBe('the ledger is down');
    expect(handled.events.some((event) => event.name === 'exception')).toBe(true);
    const process = await spans.named(
      'process tests.ApproveOrder',
      (s) => idOf(s) === handled.parentSpanContext?.spanId,
    );
    expect(failed(process)).toBe(true);
  });
});

describe('the spans of the NATS broker: the outbox write, then the relay', () => {
  let opened: OpenedTestDatabase;
  let broker: Broker;
  const stream = uniqueTestStream();

  beforeAll(async () => {
    opened = await postgresTestDatabase.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    broker = await createNatsBroker({
      db: opened.db,
      servers: testNatsUrl,
      stream,
      partitions: 2,
      onError: () => {},
    });
    await broker.subscribe({
      group: 'tracing-events',
      subjects: ['tracing.events'],
      module: 'depot',
      handle: async () => {},
    });
  });
  afterAll(async () => {
    await broker?.close();
    await opened?.close();
    await deleteTestStream(stream);
  });

  it('writes the outbox in the producing span, relays in a span of its own linked to it', async () => {
    let request!: string;
    await inSpan('test request', {}, async (span) => {
      request = span.spanContext().spanId;
      await opened.db.transaction(() =>
        broker.publish([
          newEnvelope('tests', { type: 'tests.Happened', subject: 'tracing.events', key: 'a', data: {} }),
          newEnvelope('tests', { type: 'tests.Happened', subject: 'tracing.events', key: 'b', data: {} }),
        ]),
      );
    });
    const relay = await spans.named(`send ${stream}`, (s) => linksTo(s, request));
    const all = await spans.finished();
    const requestSpan = all.find((s) => idOf(s) === request)!;
    const write = all.find((s) => s.name === 'outbox write' && isChildOf(s, requestSpan))!;
    expect(write.kind).toBe(SpanKind.INTERNAL);
    expect(write.attributes['messaging.batch.message_count']).toBe(2);
    expect(relay.kind).toBe(SpanKind.PRODUCER);
    expect(relay.parentSpanContext).toBeUndefined();
    expect(relay.attributes['messaging.system']).toBe('nats');
    expect(relay.links.filter((link) => link.context.spanId === request)).toHaveLength(2);
    const handled = await spans.named(
      'process tests.Happened',
      (s) => isChildOf(s, requestSpan) && s.attributes['tessera.message.key'] === 'b',
    );
    expect(handled.attributes['tessera.module']).toBe('depot');
  });
});
