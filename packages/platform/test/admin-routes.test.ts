import { type Broker, createEmbeddedBroker, newEnvelope } from '@tessera/platform/messaging';
import { metricsRegistry } from '@tessera/platform/observability';
import { ADMIN_TAG } from '@tessera/platform/runtime';
import {
  expectDocumentedRoutes,
  expectPagedList,
  expectProblem,
  startTestHost,
  type TestHost,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const NEVER = 3_600_000;

interface Summary {
  id: string;
  group: string;
  messageId: string;
  subject: string;
  type: string;
  reason: string;
  attempts: number;
  deadAt: string;
}
interface LagAnswer {
  groups: Array<{ group: string; pending: number; oldestPendingMs?: number; deadLetters: number }>;
}

describe.each(testDatabases)('admin routes on $backend', (backend) => {
  let api: TestHost;
  // A second broker on the host's database, so the test hears each recorded failure (the host's logs them).
  let broker: Broker;
  let failures: Array<() => void>;
  let failed = 0;
  const nextFailure = () => {
    const seen = failed;
    return new Promise<void>((resolve) => {
      const check = () => (failed > seen ? resolve() : failures.push(check));
      check();
    });
  };

  beforeEach(async () => {
    // Large enough for a thousand ids.
    api = await startTestHost(backend, [], { bodyLimit: 65_536 });
    failures = [];
    failed = 0;
    broker = createEmbeddedBroker({
      db: api.db,
      idleRecheckMs: NEVER,
      onError: () => {
        failed++;
        for (const waiting of failures.splice(0)) waiting();
      },
    });
  });
  afterEach(async () => {
    await broker.close();
    await api.close();
  });

  /** A group that fails every message once (maxAttempts 1): each delivery becomes a dead letter. */
  const failing = (group: string, subject: string) =>
    broker.subscribe({
      group,
      subjects: [subject],
      maxAttempts: 1,
      handle: async () => {
        throw new Error('the handler is broken\nsecond line');
      },
    });

  const lagOf = async (group: string) => {
    const response = await api.call('GET', '/admin/messaging/lag');
    expect(response.statusCode).toBe(200);
    return response.json<LagAnswer>().groups.find((g) => g.group === group);
  };

  it('lists, shows and re-drives dead letters, and the lag follows', async () => {
    const group = 'ops-tests';
    // Registered, not consuming: what is published stays pending.
    await (await failing(group, 'ops.failed')).stop();
    const message = newEnvelope('tests', {
      type: 'tests.Failed',
      subject: 'ops.failed',
      key: 'k',
      data: { n: 1 },
    });
    await broker.publish([message]);
    const pending = await lagOf(group);
    expect(pending).toMatchObject({ group, pending: 1, deadLetters: 0 });
    expect(pending!.oldestPendingMs).toBeGreaterThanOrEqual(0);

    let dead = nextFailure();
    let consuming = await failing(group, 'ops.failed');
    await dead;
    await consuming.stop();
    expect(await lagOf(group)).toEqual({ group, pending: 0, deadLetters: 1 });

    const listed = await api.call('GET', '/admin/messaging/dead-letters');
    expect(listed.statusCode).toBe(200);
    const { deadLetters, next } = listed.json<{ deadLetters: Summary[]; next?: string }>();
    expect(next).toBeUndefined();
    expect(deadLetters).toHaveLength(1);
    const letter = deadLetters[0]!;
    expect(letter).toEqual({
      id: expect.any(String),
      group,
      messageId: message.id,
      subject: 'ops.failed',
      type: 'tests.Failed',
      reason: 'the handler is broken\nsecond line',
      attempts: 1,
      deadAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(letter).not.toHaveProperty('envelope');

    const ofGroup = await api.call('GET', `/admin/messaging/dead-letters?group=${group}&limit=1`);
    expect(ofGroup.json<{ deadLetters: Summary[] }>().deadLetters.map((l) => l.id)).toEqual([letter.id]);
    const ofOther = await api.call('GET', '/admin/messaging/dead-letters?group=nobody');
    expect(ofOther.json()).toEqual({ deadLetters: [] });

    const shown = await api.call('GET', `/admin/messaging/dead-letters/${letter.id.toUpperCase()}`);
    expect(shown.statusCode).toBe(200);
    const { deadLetter } = shown.json<{
      deadLetter: Summary & { envelope: { id: string; data: unknown } };
    }>();
    expect(deadLetter).toMatchObject({ ...letter, envelope: { id: message.id, data: { n: 1 } } });

    const redriven = await api.call('POST', '/admin/messaging/dead-letters/redrive', {
      ids: [letter.id, unknownId()],
    });
    expect(redriven.statusCode).toBe(200);
    expect(redriven.json()).toEqual({ redriven: 1 });
    expect(await lagOf(group)).toMatchObject({ group, pending: 1, deadLetters: 0 });
    expectProblem(await api.call('GET', `/admin/messaging/dead-letters/${letter.id}`), 404, {
      code: 'dead_letter_not_found',
    });

    // It fails again: a new dead letter, re-driven with the whole group this time.
    dead = nextFailure();
    consuming = await failing(group, 'ops.failed');
    await dead;
    await consuming.stop();
    const byGroup = await api.call('POST', '/admin/messaging/dead-letters/redrive', { group });
    expect(byGroup.json()).toEqual({ redriven: 1 });
    expect(await lagOf(group)).toMatchObject({ pending: 1, deadLetters: 0 });
    const none = await api.call('POST', '/admin/messaging/dead-letters/redrive', { group: 'nobody' });
    expect(none.json()).toEqual({ redriven: 0 });
  });

  it('lists, shows and re-drives a dead letter whatever text it holds, and answers for everyone after', async () => {
    const group = 'ops-unstorable';
    const handled: string[] = [];
    const consuming = await broker.subscribe({
      group,
      subjects: ['ops.unstorable'],
      handle: async (message) => {
        handled.push(message.id);
      },
    });
    // The attacker's checkout: a payment id holding a NUL, as a producer that does not check would send it.
    const message = newEnvelope('tests', {
      type: 'tests.CheckedOut',
      subject: 'ops.unstorable',
      key: 'k',
      data: { paymentId: 'p\u0000q' },
    });
    let dead = nextFailure();
    await broker.publish([message]);
    await dead;

    const listed = await api.call('GET', '/admin/messaging/dead-letters');
    expect(listed.statusCode, listed.body).toBe(200);
    const [letter] = listed.json<{ deadLetters: Summary[] }>().deadLetters;
    expect(letter).toMatchObject({ group, messageId: message.id, type: 'tests.CheckedOut', attempts: 0 });
    expect(letter!.reason).toMatch(/^poison message: data\.paymentId: holds a NUL character/);
    const shown = await api.call('GET', `/admin/messaging/dead-letters/${letter!.id}`);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ deadLetter: { envelope: { data: { paymentId: 'p\u0000q' } } } });

    dead = nextFailure();
    const redriven = await api.call('POST', '/admin/messaging/dead-letters/redrive', { ids: [letter!.id] });
    expect(redriven.json()).toEqual({ redriven: 1 });
    await dead;
    await consuming.stop();
    // The handler never saw it; it is a dead letter again, and the tools still answer.
    expect(handled).toEqual([]);
    const again = await api.call('GET', `/admin/messaging/dead-letters?group=${group}`);
    expect(again.statusCode).toBe(200);
    expect(again.json<{ deadLetters: Summary[] }>().deadLetters.map((l) => l.messageId)).toEqual([
      message.id,
    ]);
    expect(await lagOf(group)).toEqual({ group, pending: 0, deadLetters: 1 });
  });

  it('lists dead letters a page at a time, the oldest first: 50 unless asked, at most 100, each once', async () => {
    const group = 'ops-many';
    await (await failing(group, 'ops.many')).stop();
    const messages = Array.from({ length: 53 }, (_, n) =>
      newEnvelope('tests', { type: 'tests.Failed', subject: 'ops.many', key: `k${n}`, data: n }),
    );
    await broker.publish(messages);
    const consuming = await failing(group, 'ops.many');
    for (;;) {
      // Listen before looking, so that a failure recorded in between is not missed.
      const next = nextFailure();
      if ((await broker.deadLetters.list(group)).length === messages.length) break;
      await next;
    }
    await consuming.stop();

    const ids = await expectPagedList(api, `/admin/messaging/dead-letters?group=${group}`, 'deadLetters', {
      atLeast: messages.length,
      idOf: (letter) => String(letter.messageId),
    });
    expect([...ids].sort()).toEqual(messages.map((message) => message.id).sort());
    // The oldest first, as the broker lists them.
    expect(ids).toEqual((await broker.deadLetters.list(group)).map((letter) => letter.messageId));
  });

  it('serves the lag as gauges on /metrics', async () => {
    await (await failing('ops-metrics', 'ops.metrics')).stop();
    await broker.publish([
      newEnvelope('tests', { type: 'tests.Failed', subject: 'ops.metrics', key: 'k', data: 1 }),
    ]);
    const metrics = await api.call('GET', '/metrics');
    expect(metrics.body).toMatch(/^messaging_consumer_pending_messages\{group="ops-metrics"\} 1$/m);
    expect(metrics.body).toMatch(/^messaging_dead_letters\{group="ops-metrics"\} 0$/m);
    expect(metrics.body).toMatch(
      /^messaging_consumer_oldest_pending_seconds\{group="ops-metrics"\} [\d.e-]+$/m,
    );
  });

  it('answers bad input with problem+json naming the field', async () => {
    for (const id of ['not-a-uuid', '123', `${unknownId()}x`]) {
      expectProblem(await api.call('GET', `/admin/messaging/dead-letters/${id}`), 400, {
        code: 'invalid_request',
        field: 'params.id',
      });
    }
    expectProblem(await api.call('GET', `/admin/messaging/dead-letters/${unknownId()}`), 404, {
      code: 'dead_letter_not_found',
    });
    for (const limit of ['0', '101', 'many', '1.5']) {
      expectProblem(await api.call('GET', `/admin/messaging/dead-letters?limit=${limit}`), 400, {
        field: 'querystring.limit',
      });
    }
    expectProblem(await api.call('GET', '/admin/messaging/dead-letters?grop=x'), 400, {
      code: 'invalid_request',
    });
    const redrive = (body: unknown) => api.call('POST', '/admin/messaging/dead-letters/redrive', body);
    expectProblem(await redrive({}), 400, { code: 'invalid_request', field: 'body' });
    expectProblem(await redrive({ ids: [unknownId()], group: 'g' }), 400, { field: 'body' });
    expectProblem(await redrive({ ids: [] }), 400, { field: 'body.ids' });
    expectProblem(await redrive({ ids: [unknownId(), 'nope'] }), 400, { field: 'body.ids.1' });
    expectProblem(await redrive({ group: '' }), 400, { field: 'body.group' });
    expectProblem(await redrive({ ids: [unknownId()], colour: 'red' }), 400, { field: 'body.colour' });
    expectProblem(await api.raw('POST', '/admin/messaging/dead-letters/redrive', '{"ids": '), 400, {
      code: 'malformed_json',
    });
    // What a page of another site could post (CSRF): text/plain, even holding JSON, is not taken.
    expectProblem(
      await api.raw('POST', '/admin/messaging/dead-letters/redrive', '{"group": "g"}', 'text/plain'),
      415,
      { code: 'unsupported_media_type' },
    );
    const tooMany = Array.from({ length: 1001 }, () => unknownId());
    expectProblem(await redrive({ ids: tooMany }), 400, { field: 'body.ids' });
    expect((await redrive({ ids: tooMany.slice(1) })).json()).toEqual({ redriven: 0 });
  });

  it('documents the routes under the admin tag', async () => {
    await expectDocumentedRoutes(api, ADMIN_TAG, '/admin/', [
      '/admin/messaging/dead-letters',
      '/admin/messaging/dead-letters/{id}',
      '/admin/messaging/dead-letters/redrive',
      '/admin/messaging/lag',
      '/admin/messaging/flow',
      '/admin/messaging/conversations',
      '/admin/topology',
    ]);
  });
});

describe('lag gauges', () => {
  it('leave /metrics when the host stops', async () => {
    const api = await startTestHost(testDatabases[0]!, []);
    await api.host.broker.subscribe({ group: 'ops-gone', subjects: ['ops.gone'], handle: async () => {} });
    expect(await metricsRegistry.metrics()).toContain('group="ops-gone"');
    await api.close();
    expect(await metricsRegistry.metrics()).not.toContain('group="ops-gone"');
  });
});
