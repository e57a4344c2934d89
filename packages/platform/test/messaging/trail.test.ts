import { randomUUID } from 'node:crypto';
import {
  type Broker,
  createEmbeddedBroker,
  createNatsBroker,
  embeddedBrokerMigrations,
  type NatsBroker,
  natsBrokerMigrations,
  newEnvelope,
  PoisonMessageError,
} from '@tessera/platform/messaging';
import { migrate, postgresClient, type SqlClient } from '@tessera/platform/sql';
import {
  deleteTestStream,
  eventually,
  type OpenedTestDatabase,
  postgresTestDatabase,
  testNatsUrl,
  testSetups,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedTrail, type Flow, natsTrail } from '../../src/messaging/trail.js';

const ORDERS = 'test.trail.orders';
const COMMANDS = 'test.trail.commands';
const REPLIES = 'test.trail.replies';

/** A broker of either kind on a database of its own, as one module's process has it. */
async function openBroker(kind: 'embedded' | 'nats', opened: OpenedTestDatabase, stream: string) {
  if (kind === 'embedded') {
    await migrate(opened.db, [embeddedBrokerMigrations()]);
    return createEmbeddedBroker({ db: opened.db, idleRecheckMs: 3_600_000 });
  }
  await migrate(opened.db, [natsBrokerMigrations()]);
  return createNatsBroker({ db: opened.db, servers: testNatsUrl, stream, partitions: 2, ackWaitMs: 2_000 });
}

const shortTrail = (kind: 'embedded' | 'nats', db: SqlClient) =>
  kind === 'embedded' ? embeddedTrail(db, 'broker', 1) : natsTrail(db, 'messaging', 1);

/**
 * A conversation as the modules make one: an order placed; a process manager's group handles it and sends a
 * command (in its handling, so caused by it); a participant handles the command and replies; a group that
 * cannot read orders dead-letters them.
 */
async function subscribeConversation(broker: Broker) {
  await broker.subscribe({
    group: 'trail-manager',
    subjects: [ORDERS],
    async handle(message) {
      await broker.publish([
        newEnvelope('manager', {
          type: 'participant.Reserve',
          subject: COMMANDS,
          key: message.key,
          data: {},
          replyTo: REPLIES,
        }),
      ]);
    },
  });
  await broker.subscribe({
    group: 'trail-participant',
    subjects: [COMMANDS],
    async handle(message) {
      await broker.publish([
        newEnvelope('participant', { type: 'reply.Success', subject: REPLIES, key: message.key, data: {} }),
      ]);
    },
  });
  await broker.subscribe({
    group: 'trail-unreadable',
    subjects: [ORDERS],
    async handle() {
      throw new PoisonMessageError('this group cannot read orders', 'data');
    },
  });
}

const place = (broker: Broker, orderId: string, correlationId: string, data: unknown = { total: 1 }) =>
  broker.publish([
    newEnvelope(
      'orders',
      { type: 'orders.OrderPlaced', subject: ORDERS, key: orderId, data },
      { correlationId },
    ),
  ]);

/** Re-read until each group has done with the conversation: what an operator watching it would see. */
const settled = (broker: Broker, correlationId: string) =>
  eventually(
    `conversation ${correlationId} settles`,
    () => broker.trail.flow(correlationId),
    (flow) =>
      flow.messages.length === 3 &&
      flow.handlings.filter((h) => h.outcome === 'handled').length === 2 &&
      flow.handlings.some((h) => h.outcome === 'dead_lettered'),
  );

const outcomes = (flow: Flow) =>
  flow.handlings.map(
    (h) => `${h.group} ${h.outcome} ${flow.messages.find((m) => m.id === h.messageId)?.type}`,
  );

describe.each(testSetups)(
  'the message trail: $broker broker on $backend.backend',
  ({ backend, broker: kind }) => {
    let opened: OpenedTestDatabase;
    let broker: Broker;
    let stream: string;

    beforeEach(async () => {
      opened = await backend.open();
      stream = uniqueTestStream();
      broker = await openBroker(kind, opened, stream);
      await subscribeConversation(broker);
    });
    afterEach(async () => {
      await broker.close();
      if (kind === 'nats') await deleteTestStream(stream);
      await opened.close();
    });

    it('records a conversation: each message sent with its headers, and what each group made of it', async () => {
      const orderId = randomUUID();
      const correlationId = `checkout-${randomUUID()}`;
      await place(broker, orderId, correlationId);
      const flow = await settled(broker, correlationId);

      const [order, command, reply] = ['orders.OrderPlaced', 'participant.Reserve', 'reply.Success'].map(
        (type) => flow.messages.find((message) => message.type === type)!,
      );
      expect(order).toMatchObject({ subject: ORDERS, key: orderId, source: 'orders', correlationId });
      expect(order!.causationId).toBeUndefined();
      // Caused by what the handling handled: the chain an operator follows.
      expect(command).toMatchObject({
        source: 'manager',
        causationId: order!.id,
        replyTo: REPLIES,
        key: orderId,
      });
      expect(reply).toMatchObject({ source: 'participant', causationId: command!.id, correlationId });
      for (const message of flow.messages) expect(message.sentAt).toBeInstanceOf(Date);

      expect(outcomes(flow).sort()).toEqual([
        'trail-manager handled orders.OrderPlaced',
        'trail-participant handled participant.Reserve',
        'trail-unreadable dead_lettered orders.OrderPlaced',
      ]);
      const dead = flow.handlings.find((h) => h.outcome === 'dead_lettered')!;
      expect(dead.reason).toContain('this group cannot read orders');
      // The dead letter the console re-drives from the flow.
      expect((await broker.deadLetters.get(dead.deadLetterId!))?.messageId).toBe(order!.id);
      expect(flow.truncated).toBe(false);
    });

    it("finds an order's conversations by its key, the latest first, and nothing of another order", async () => {
      const orderId = randomUUID();
      const [first, second] = [`first-${randomUUID()}`, `second-${randomUUID()}`];
      await place(broker, orderId, first);
      await settled(broker, first);
      await place(broker, orderId, second);
      await place(broker, randomUUID(), `other-${randomUUID()}`);
      await settled(broker, second);
      const found = await broker.trail.conversations(orderId);
      expect(found.map((c) => c.correlationId)).toEqual([second, first]);
      expect(found[0]!.firstAt.getTime()).toBeLessThanOrEqual(found[0]!.lastAt.getTime());
      expect(await broker.trail.conversations(randomUUID())).toEqual([]);
      expect(await broker.trail.flow('no-such-conversation')).toEqual({
        correlationId: 'no-such-conversation',
        messages: [],
        handlings: [],
        truncated: false,
      });
    });

    it('keeps a message whose data storage cannot hold (its headers can be)', async () => {
      const correlationId = `nul-${randomUUID()}`;
      await place(broker, randomUUID(), correlationId, { note: 'a\u0000b' });
      const flow = await eventually(
        'the unreadable order is dead',
        () => broker.trail.flow(correlationId),
        (f) => f.handlings.some((h) => h.outcome === 'dead_lettered'),
      );
      expect(flow.messages.map((m) => m.type)).toContain('orders.OrderPlaced');
    });

    it('says when a conversation has more than the limit, showing the oldest', async () => {
      const correlationId = `big-${randomUUID()}`;
      await place(broker, randomUUID(), correlationId);
      await settled(broker, correlationId);
      const flow = await broker.trail.flow(correlationId, { limit: 2 });
      expect(flow.messages).toHaveLength(2);
      expect(flow.messages[0]!.type).toBe('orders.OrderPlaced');
      expect(flow.truncated).toBe(true);
    });

    it('forgets what is older than its retention, and nothing younger', async () => {
      const correlationId = `old-${randomUUID()}`;
      await place(broker, randomUUID(), correlationId);
      await settled(broker, correlationId);
      // The broker's own retention (7 days) keeps it all.
      expect(await broker.trail.prune()).toBe(0);
      expect((await broker.trail.flow(correlationId)).handlings).toHaveLength(3);

      const gone = await shortTrail(kind, opened.db).prune();
      expect(gone).toBeGreaterThanOrEqual(4);
      const flow = await broker.trail.flow(correlationId);
      // A dead letter waits for an operator whatever its age, and the embedded broker keeps its message with it.
      expect(flow.handlings.map((h) => h.outcome)).toEqual(['dead_lettered']);
      expect(flow.messages.map((m) => m.type)).toEqual(kind === 'embedded' ? ['orders.OrderPlaced'] : []);
    });
  },
);

describe('the message trail across processes (NATS, a database each)', () => {
  let publisher: { opened: OpenedTestDatabase; broker: NatsBroker };
  let consumer: { opened: OpenedTestDatabase; broker: NatsBroker };
  let stream: string;

  beforeEach(async () => {
    stream = uniqueTestStream();
    const open = async () => {
      const opened = await postgresTestDatabase.open();
      return { opened, broker: (await openBroker('nats', opened, stream)) as NatsBroker };
    };
    publisher = await open();
    consumer = await open();
  });
  afterEach(async () => {
    await publisher.broker.close();
    await consumer.broker.close();
    await deleteTestStream(stream);
    await publisher.opened.close();
    await consumer.opened.close();
  });

  it("keeps what a process sent in its database, and what another handled in that one's", async () => {
    await subscribeConversation(consumer.broker);
    const correlationId = `split-${randomUUID()}`;
    await place(publisher.broker, randomUUID(), correlationId);
    const consumed = await eventually(
      'the consumer has handled the order and the command',
      () => consumer.broker.trail.flow(correlationId),
      (flow) => flow.handlings.filter((h) => h.outcome === 'handled').length === 2,
    );
    // The order was sent from the publisher: the consumer's database has what it sent and handled, only.
    expect(consumed.messages.map((m) => m.type).sort()).toEqual(['participant.Reserve', 'reply.Success']);
    const sent = await publisher.broker.trail.flow(correlationId);
    expect(sent.messages.map((m) => m.type)).toEqual(['orders.OrderPlaced']);
    expect(sent.handlings).toEqual([]);
    // The order's handling, in the consumer's database, names the message the publisher's has.
    expect(consumed.handlings.map((h) => h.messageId)).toContain(sent.messages[0]!.id);
  });
});

describe('the message trail read while a handling commits', () => {
  let opened: OpenedTestDatabase;
  let broker: Broker;
  let other: SqlClient;

  beforeEach(async () => {
    opened = await postgresTestDatabase.open();
    broker = await openBroker('embedded', opened, uniqueTestStream());
    await subscribeConversation(broker);
    other = postgresClient({ connectionString: opened.url! });
  });
  afterEach(async () => {
    await broker.close();
    await other.close();
    await opened.close();
  });

  it('shows one moment: what commits between its reads of the handlings and of the messages is not half in it', async () => {
    const correlationId = `moment-${randomUUID()}`;
    await place(broker, randomUUID(), correlationId);
    await settled(broker, correlationId);
    // Another connection commits a message of the conversation just after the trail has read its handlings.
    const publisher = createEmbeddedBroker({ db: other, idleRecheckMs: 3_600_000 });
    let committed = false;
    const interleaved: SqlClient = {
      ...opened.db,
      async query(text, params) {
        const result = await opened.db.query(text, params);
        if (!committed && text.includes("'handled' AS outcome")) {
          committed = true;
          await publisher.publish([
            newEnvelope(
              'late',
              { type: 'late.Noted', subject: 'test.trail.late', key: 'k', data: {} },
              { correlationId },
            ),
          ]);
        }
        return result;
      },
    } as SqlClient;
    const flow = await embeddedTrail(interleaved, 'broker', 60_000).flow(correlationId);
    expect(committed).toBe(true);
    expect(flow.messages.map((m) => m.type)).not.toContain('late.Noted');
    expect(flow.messages).toHaveLength(3);
    // Read again, the commit is there.
    expect((await broker.trail.flow(correlationId)).messages.map((m) => m.type)).toContain('late.Noted');
    await publisher.close();
  });
});
