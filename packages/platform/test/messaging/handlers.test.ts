import { randomUUID } from 'node:crypto';
import { conflict, permissionDenied } from '@tessera/platform/ddd';
import {
  type Broker,
  command,
  createEmbeddedBroker,
  derivedId,
  type Envelope,
  embeddedBrokerMigrations,
  FAILURE_REPLY,
  isReply,
  newEnvelope,
  onCommands,
  onMessages,
  type Reply,
  replySchemas,
  SUCCESS_REPLY,
  type Subscription,
  subscribeGroups,
} from '@tessera/platform/messaging';
import { migrate, type SqlClient } from '@tessera/platform/sql';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signals } from '../../src/testing/conditions.js';
import { countedQueries } from '../support/counted-queries.js';

// An hour: workers are woken by notifications and retry timers, never by the safety net.
const NEVER = 3_600_000;

const unique = () => randomUUID().slice(0, 8);

const events = {
  'tests.Happened': z.strictObject({ n: z.number().int() }),
};
const commands = {
  'tests.Double': z.strictObject({ n: z.number().int() }),
};

describe.each(testDatabases)('typed handlers on the embedded broker, on $backend', (backend) => {
  let close: () => Promise<void>;
  let db: SqlClient;
  let broker: Broker;
  /** What the broker reports after recording a failed attempt (a retry or a dead letter). */
  const failures = signals<{ messageId?: string; attempt?: number; error: unknown }>();

  beforeAll(async () => {
    const opened = await backend.open();
    db = opened.db;
    await migrate(db, [embeddedBrokerMigrations()]);
    await db.exec('CREATE TABLE effects (id text PRIMARY KEY)');
    broker = createEmbeddedBroker({
      db,
      idleRecheckMs: NEVER,
      onError: (error, context) => failures.push({ ...context, error }),
    });
    close = async () => {
      await broker.close();
      await opened.close();
    };
  });
  afterAll(() => close?.());

  // Each test's groups stop with it, so that later tests do not wake every earlier test's workers.
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((subscribed) => subscribed.stop()));
  });
  const subscribe = async (
    subscription: Omit<Extract<Subscription, { handle: unknown }>, 'group'> & { group?: string },
  ) => {
    const subscribed = await broker.subscribe({ group: `g-${unique()}`, ...subscription });
    running.push(subscribed);
    return subscribed;
  };
  /** Resolves once the broker recorded the failure of this attempt of this message. */
  const failed = (messageId: string, attempt = 1) =>
    failures.until((all) => all.some((f) => f.messageId === messageId && f.attempt === attempt));
  const deadLetters = async (group: string) =>
    (await broker.deadLetters.list(group)).map(({ messageId, type, reason, attempts }) => ({
      messageId,
      type,
      reason,
      attempts,
    }));
  const count = async (sql: string, params: unknown[]) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
  const repliesOn = (subject: string) => count('broker.messages WHERE subject = $1', [subject]);
  const effect = (id: string) => count('effects WHERE id = $1', [id]);

  const event = (subject: string, key: string, type: string, data: unknown) =>
    newEnvelope('tests', { type, subject, key, data });

  describe('onMessages', () => {
    it('hands a known type its parsed data, and acks and drops a type it has no handler for', async () => {
      const subject = `e.${unique()}`;
      const group = `g-${unique()}`;
      const handled = signals<{ data: unknown; message: Envelope }>();
      await subscribe({
        group,
        subjects: [subject],
        handle: onMessages(events, {
          'tests.Happened': async (data, message) => {
            // Signalled at commit: the ack and everything before it on the key are done by then.
            await db.afterCommit(() => handled.push({ data, message }));
          },
        }),
      });
      const unknown = event(subject, 'k', 'tests.Unheard', { anything: true });
      const known = event(subject, 'k', 'tests.Happened', { n: 7 });
      await broker.publish([unknown, known]);
      await handled.until((all) => all.length === 1);
      expect(handled.items).toEqual([{ data: { n: 7 }, message: known }]);
      expect(await deadLetters(group)).toEqual([]);
      expect((await broker.lag()).find((lag) => lag.group === group)).toMatchObject({ pending: 0 });
    });

    it('says which types it handles: those with a handler and a schema, for a subscription to ask for only those', async () => {
      const handle = onMessages(events, { 'tests.Happened': async () => {} });
      expect(handle.types).toEqual(['tests.Happened']);
      const asked: Subscription[] = [];
      await subscribeGroups(
        {
          subscribe: async (subscription) => {
            asked.push(subscription);
            return { stop: async () => {} };
          },
        },
        [
          { group: 'typed', subject: 'e.x', handle },
          { group: 'any', subject: 'e.x', handle: async () => {} },
        ],
      );
      expect(asked.map(({ group, types }) => ({ group, types }))).toEqual([
        { group: 'typed', types: ['tests.Happened'] },
        { group: 'any', types: undefined },
      ]);
    });

    it('dead-letters data off its contract at once, naming the field, and the key flows on', async () => {
      const subject = `e.${unique()}`;
      const group = `g-${unique()}`;
      const handled = signals<number>();
      await subscribe({
        group,
        subjects: [subject],
        handle: onMessages(events, {
          'tests.Happened': async ({ n }) => {
            await db.afterCommit(() => handled.push(n));
          },
        }),
      });
      const bad = event(subject, 'k', 'tests.Happened', { n: 'seven' });
      await broker.publish([bad, event(subject, 'k', 'tests.Happened', { n: 8 })]);
      await handled.until((all) => all.length === 1);
      expect(handled.items).toEqual([8]);
      const [dead] = await deadLetters(group);
      expect(dead).toMatchObject({ messageId: bad.id, type: 'tests.Happened', attempts: 1 });
      expect(dead!.reason).toMatch(/^poison message: data\.n: tests\.Happened: /);
    });
  });

  describe('onCommands', () => {
    /** A command group on a fresh channel, and a reply group recording what comes back on a fresh replyTo. */
    const commandChannel = async (
      handle: (data: { n: number }, message: Envelope) => Promise<unknown>,
      options: { maxAttempts?: number; group?: string; db?: SqlClient } = {},
    ) => {
      const channel = `c.${unique()}`;
      const replyTo = `r.${unique()}`;
      const group = options.group ?? `g-${unique()}`;
      const replies = signals<Reply>();
      await subscribe({
        subjects: [replyTo],
        handle: async (message) => {
          if (isReply(message)) replies.push(message);
        },
      });
      const handling = onCommands(
        commands,
        { 'tests.Double': handle },
        { publisher: broker, source: 'doubler', db: options.db ?? db },
      );
      await subscribe({
        group,
        subjects: [channel],
        handle: handling,
        maxAttempts: options.maxAttempts ?? 3,
        backoff: () => 0,
      });
      /** `replyTo: null` sends it without one. */
      const send = (data: unknown, extra: { replyTo?: string | null; type?: string } = {}) => {
        const to = extra.replyTo === undefined ? replyTo : extra.replyTo;
        return newEnvelope('caller', {
          type: extra.type ?? 'tests.Double',
          subject: channel,
          key: 'k',
          data,
          ...(to === null ? {} : { replyTo: to }),
        });
      };
      return { channel, replyTo, group, replies, handling, send };
    };

    it('replies Success on replyTo with the result, in the same conversation, with an id derived from the command', async () => {
      const { channel, replyTo, replies } = await commandChannel(async ({ n }) => ({ doubled: n * 2 }));
      const trigger = newEnvelope('saga', { type: 'tests.Started', subject: 's.x', key: 'k', data: {} });
      const sent = command(
        'saga',
        { type: 'tests.Double', channel, key: 'order-1', data: { n: 21 }, replyTo },
        {
          message: trigger,
          index: 0,
        },
      );
      expect(sent).toMatchObject({ id: derivedId(trigger.id, 0), correlationId: trigger.id, replyTo });
      await broker.publish([sent]);
      await replies.until((all) => all.length === 1);
      expect(replies.items[0]).toMatchObject({
        id: derivedId(sent.id, -1),
        type: SUCCESS_REPLY,
        source: 'doubler',
        subject: replyTo,
        key: 'order-1',
        correlationId: trigger.id,
        causationId: sent.id,
        data: { command: 'tests.Double', result: { doubled: 42 } },
      });
    });

    it('replies Success without a result when the handler returns nothing', async () => {
      const { replies, send } = await commandChannel(async () => undefined);
      await broker.publish([send({ n: 1 })]);
      await replies.until((all) => all.length === 1);
      expect(replies.items[0]!.data).toEqual({ command: 'tests.Double' });
      expect(replySchemas[SUCCESS_REPLY].parse(replies.items[0]!.data)).toEqual({ command: 'tests.Double' });
    });

    it('replies once to a command handled twice: the same reply id, which the broker stores once', async () => {
      const handled = signals<number>();
      const { channel, replyTo, replies, handling, send } = await commandChannel(async ({ n }) => {
        await db.afterCommit(() => handled.push(n));
        return n * 2;
      });
      // A second group on the channel handles every command again, as a redelivery past the inbox would.
      await subscribe({ subjects: [channel], handle: handling });
      const sent = send({ n: 2 });
      await broker.publish([sent]);
      await handled.until((all) => all.length === 2);
      await replies.until((all) => all.length === 1);
      expect(await repliesOn(replyTo)).toBe(1);
      expect(replies.items.map((reply) => reply.id)).toEqual([derivedId(sent.id, -1)]);

      // And directly: two handlings publish the same reply, but for its time.
      const published: Envelope[] = [];
      const twice = onCommands(
        commands,
        { 'tests.Double': async ({ n }) => n },
        {
          source: 'doubler',
          publisher: { publish: async (envelopes) => void published.push(...envelopes) },
        },
      );
      await twice(sent);
      await twice(sent);
      const { time: _first, ...first } = published[0]!;
      const { time: _second, ...second } = published[1]!;
      expect(second).toEqual(first);
    });

    it('replies Failure to a business rejection, with its kind, code and reason, and does not retry it', async () => {
      const calls = signals<number>();
      const { replies, group, send } = await commandChannel(async ({ n }) => {
        calls.push(n);
        throw permissionDenied('doubling_forbidden', `${n} may not be doubled`);
      });
      const sent = send({ n: 3 });
      await broker.publish([sent]);
      await replies.until((all) => all.length === 1);
      expect(replies.items[0]).toMatchObject({
        type: FAILURE_REPLY,
        causationId: sent.id,
        data: {
          command: 'tests.Double',
          kind: 'permission_denied',
          code: 'doubling_forbidden',
          reason: '3 may not be doubled',
        },
      });
      expect(replySchemas[FAILURE_REPLY].parse(replies.items[0]!.data)).toEqual(replies.items[0]!.data);
      expect(calls.items).toEqual([3]);
      expect(await deadLetters(group)).toEqual([]);
      expect(failures.items.some((f) => f.messageId === sent.id)).toBe(false);
    });

    it('undoes what a rejected handler wrote: only the Failure reply commits', async () => {
      const { replies, send } = await commandChannel(async ({ n }) => {
        await db.query('INSERT INTO effects (id) VALUES ($1)', [`rejected-${n}`]);
        throw permissionDenied('doubling_forbidden', 'no');
      });
      const n = Math.floor(Math.random() * 1e9);
      await broker.publish([send({ n })]);
      await replies.until((all) => all.length === 1);
      expect(replies.items[0]!.type).toBe(FAILURE_REPLY);
      expect(await effect(`rejected-${n}`)).toBe(0);
    });

    it("takes the handler's savepoint with its first statement, not in a round trip of its own", async () => {
      const counted = countedQueries(db, (text) => text.startsWith('SAVEPOINT'));
      const { replies, send } = await commandChannel(
        async ({ n }) => {
          await db.query('INSERT INTO effects (id) VALUES ($1)', [`saved-${n}`]);
          return n;
        },
        { db: counted.client },
      );
      const n = Math.floor(Math.random() * 1e9);
      await broker.publish([send({ n })]);
      await replies.until((all) => all.length === 1);
      expect(replies.items[0]!.type).toBe(SUCCESS_REPLY);
      expect(await effect(`saved-${n}`)).toBe(1);
      expect(counted.count()).toBe(0);
    });

    it('retries a concurrency conflict, as a technical failure, and replies once it goes through', async () => {
      let attempts = 0;
      const { replies, send } = await commandChannel(async ({ n }) => {
        attempts++;
        if (attempts === 1) throw conflict('concurrent_modification', 'changed meanwhile');
        return n;
      });
      await broker.publish([send({ n: 5 })]);
      await replies.until((all) => all.length === 1);
      expect(attempts).toBe(2);
      expect(replies.items.map((reply) => reply.type)).toEqual([SUCCESS_REPLY]);
    });

    it('retries any other error, then dead-letters the command without a reply, and without its writes', async () => {
      const { replyTo, group, send } = await commandChannel(
        async ({ n }) => {
          await db.query('INSERT INTO effects (id) VALUES ($1) ON CONFLICT DO NOTHING', [`failing-${n}`]);
          throw new Error('the disk is full');
        },
        { maxAttempts: 3 },
      );
      const n = Math.floor(Math.random() * 1e9);
      const sent = send({ n });
      await broker.publish([sent]);
      await failed(sent.id, 3);
      expect(await deadLetters(group)).toEqual([
        { messageId: sent.id, type: 'tests.Double', reason: 'the disk is full', attempts: 3 },
      ]);
      expect(await repliesOn(replyTo)).toBe(0);
      expect(await effect(`failing-${n}`)).toBe(0);
    });

    it('commits the writes of the handler and its reply together', async () => {
      const { replies, send } = await commandChannel(async ({ n }) => {
        await db.query('INSERT INTO effects (id) VALUES ($1)', [`done-${n}`]);
        return n;
      });
      const n = Math.floor(Math.random() * 1e9);
      await broker.publish([send({ n })]);
      await replies.until((all) => all.length === 1);
      expect(await effect(`done-${n}`)).toBe(1);
    });

    it.each([
      ['without a replyTo', { replyTo: null }, /^poison message: replyTo: a command needs a replyTo$/],
      ['with a replyTo that is not a subject', { replyTo: 'no way back' }, /^poison message: replyTo: /],
      [
        'of a type it does not handle',
        { type: 'tests.Triple' },
        /^poison message: type: no handler for .*Triple/,
      ],
    ])('dead-letters a command %s at once, without running the handler', async (_label, extra, reason) => {
      const calls = signals<number>();
      const { group, send } = await commandChannel(async ({ n }) => calls.push(n));
      const sent = send({ n: 1 }, extra);
      await broker.publish([sent]);
      await failed(sent.id);
      const [dead] = await deadLetters(group);
      expect(dead).toMatchObject({ messageId: sent.id, attempts: 1 });
      expect(dead!.reason).toMatch(reason);
      expect(calls.items).toEqual([]);
    });

    it('dead-letters a command whose data is off its contract at once, naming the field', async () => {
      const { replyTo, group, send } = await commandChannel(async ({ n }) => n);
      const sent = send({ n: 1.5 });
      await broker.publish([sent]);
      await failed(sent.id);
      const [dead] = await deadLetters(group);
      expect(dead).toMatchObject({ messageId: sent.id, attempts: 1 });
      expect(dead!.reason).toMatch(/^poison message: data\.n: /);
      expect(await repliesOn(replyTo)).toBe(0);
    });
  });
});
