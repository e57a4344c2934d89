import {
  type Broker,
  createEmbeddedBroker,
  embeddedBrokerMigrations,
  newEnvelope,
} from '@tessera/platform/messaging';
import { inSpan } from '@tessera/platform/observability';
import {
  createDeadlines,
  type DeadlineScheduler,
  deadlineMigrations,
  manualClock,
} from '@tessera/platform/scheduling';
import { migrate } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failed, idOf, isChildOf, linksTo, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

const NEVER = 3_600_000;
const reminder = (key: string) =>
  newEnvelope('tests', { type: 'tests.Reminder', subject: 'tracing.reminders', key, data: {} });

describe.each(testDatabases)('the span of a deadline firing, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let broker: Broker;
  let deadlines: DeadlineScheduler;
  const clock = manualClock(new Date('2030-01-01T00:00:00Z'));
  const later = () => new Date(clock.now().getTime() + 60_000);

  beforeAll(async () => {
    opened = await backend.open();
    await migrate(opened.db, [embeddedBrokerMigrations(), deadlineMigrations()]);
    broker = createEmbeddedBroker({ db: opened.db, idleRecheckMs: NEVER, onError: () => {} });
    await broker.subscribe({
      group: 'tracing-reminders',
      subjects: ['tracing.reminders'],
      handle: async () => {},
    });
    deadlines = createDeadlines(opened.db, broker, { clock, idleRecheckMs: NEVER, onError: () => {} });
    await deadlines.start();
  });
  afterAll(async () => {
    await deadlines?.stop();
    await broker?.close();
    await opened?.close();
  });

  it('is a child of the work that scheduled it, and the parent of its message handling', async () => {
    let scheduling!: string;
    await inSpan('test scheduling', {}, async (span) => {
      scheduling = span.spanContext().spanId;
      await deadlines.schedule({
        id: `${backend.backend}-traced`,
        at: later(),
        envelope: reminder('traced'),
      });
    });
    clock.advance(60_000);
    const fired = await spans.named(
      'deadline tests.Reminder',
      (s) => s.attributes['tessera.deadline.id'] === `${backend.backend}-traced`,
    );
    expect(fired.parentSpanContext?.spanId).toBe(scheduling);
    expect(fired.attributes['tessera.deadline.kind']).toBe('tests.Reminder');
    expect(failed(fired)).toBe(false);
    const handled = await spans.named('process tests.Reminder', (s) => isChildOf(s, fired));
    expect(handled.attributes['tessera.message.key']).toBe('traced');
  });

  it('outside any trace, starts a trace of its own linked to its message', async () => {
    let producer!: string;
    const envelope = await inSpan('test producer', {}, async (span) => {
      producer = span.spanContext().spanId;
      return reminder('untraced');
    });
    // Scheduled outside the span: the row keeps no trace headers.
    await deadlines.schedule({ id: `${backend.backend}-untraced`, at: later(), envelope });
    clock.advance(60_000);
    const fired = await spans.named(
      'deadline tests.Reminder',
      (s) => s.attributes['tessera.deadline.id'] === `${backend.backend}-untraced`,
    );
    expect(fired.parentSpanContext).toBeUndefined();
    expect(linksTo(fired, producer)).toBe(true);
    await spans.named('process tests.Reminder', (s) => isChildOf(s, fired));
  });

  it('marks a firing that cannot publish as an error', async () => {
    const refusing = createDeadlines(
      opened.db,
      {
        publish: async () => {
          throw new Error('the broker is away');
        },
      },
      { clock, idleRecheckMs: NEVER, onError: () => {} },
    );
    await inSpan('test scheduling', {}, () =>
      refusing.schedule({ id: `${backend.backend}-refused`, at: later(), envelope: reminder('refused') }),
    );
    await deadlines.stop();
    await refusing.start();
    try {
      clock.advance(60_000);
      const fired = await spans.named(
        'deadline tests.Reminder',
        (s) => s.attributes['tessera.deadline.id'] === `${backend.backend}-refused` && failed(s),
      );
      expect(fired.status.message).toBe('the broker is away');
      expect(idOf(fired)).not.toBe('');
    } finally {
      await refusing.stop();
      await refusing.cancel(`${backend.backend}-refused`);
      await deadlines.start();
    }
  });
});
