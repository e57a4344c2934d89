import { randomUUID } from 'node:crypto';
import {
  command,
  type Envelope,
  FAILURE_REPLY,
  onMessages,
  type Reply,
  replySchemas,
  SUCCESS_REPLY,
} from '@tessera/platform/messaging';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS_COMMANDS_GROUP } from '../../../src/customers/adapters/messaging/commands.js';
import {
  CUSTOMERS_COMMAND_CHANNEL,
  customersReceives,
} from '../../../src/customers/contract/integration-events.js';
import { type CustomersHost, startCustomersHost, unknownId } from '../support/host.js';

const AUTHORIZE = 'customersapi.AuthorizeCustomer';

describe.each(testDatabases)('Customers answers AuthorizeCustomer from the saga, on $backend', (backend) => {
  let api: CustomersHost;
  const replyTo = `mallbots.tests.replies.${randomUUID().slice(0, 8)}`;
  /** Every reply on `replyTo`, in order; tests wait on them, never on time. */
  const replies: Reply[] = [];
  const waiting: Array<() => void> = [];
  const replyFor = (commandId: string) =>
    new Promise<Reply>((resolve) => {
      const check = () => {
        const reply = replies.find((r) => r.causationId === commandId);
        if (reply) resolve(reply);
        return reply !== undefined;
      };
      if (!check()) waiting.push(() => void check());
    });

  beforeAll(async () => {
    api = await startCustomersHost(backend);
    const record = async (_data: unknown, message: Envelope) => {
      replies.push(message as Reply);
      for (const wake of waiting.splice(0)) wake();
    };
    await api.host.broker.subscribe({
      group: 'customers-commands-test',
      subjects: [replyTo],
      handle: onMessages(replySchemas, { [SUCCESS_REPLY]: record, [FAILURE_REPLY]: record }),
    });
  });
  afterAll(() => api.close());

  /** Sends AuthorizeCustomer as the saga does, keyed by its order. */
  const authorize = async (data: unknown, key: string = randomUUID()) => {
    const sent = command('cosec', {
      type: AUTHORIZE,
      channel: CUSTOMERS_COMMAND_CHANNEL,
      key,
      data,
      replyTo,
    });
    await api.host.broker.publish([sent]);
    return sent;
  };
  const repliesTo = async (commandId: string) =>
    (
      await api.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM broker.messages WHERE subject = $1 AND envelope->>'causationId' = $2`,
        [replyTo, commandId],
      )
    ).rows[0]!.n;

  it('replies Success for an enabled customer, in the conversation of the saga', async () => {
    const id = await api.register();
    const sent = await authorize({ id }, 'order-1');
    const reply = await replyFor(sent.id);
    expect(reply).toMatchObject({
      type: SUCCESS_REPLY,
      source: 'customers',
      subject: replyTo,
      key: 'order-1',
      correlationId: sent.correlationId,
      causationId: sent.id,
      data: { command: AUTHORIZE },
    });
  });

  it('replies Failure for a disabled customer: permission denied, "customer is not authorized"', async () => {
    const id = await api.register();
    expect((await api.call('PUT', `/api/customers/${id}/disable`)).statusCode).toBe(204);
    const reply = await replyFor((await authorize({ id })).id);
    expect(reply).toMatchObject({
      type: FAILURE_REPLY,
      data: {
        command: AUTHORIZE,
        kind: 'permission_denied',
        code: 'customer_not_authorized',
        reason: 'customer is not authorized',
      },
    });
  });

  it('replies the same Failure for an unknown customer, so the answer reveals no ids', async () => {
    const reply = await replyFor((await authorize({ id: unknownId() })).id);
    expect(reply).toMatchObject({
      type: FAILURE_REPLY,
      data: { kind: 'permission_denied', code: 'customer_not_authorized' },
    });
  });

  it('dead-letters a command whose id is not a UUID at once, with no reply, and the key flows on', async () => {
    const key = randomUUID();
    const malformed = await authorize({ id: 'not-a-uuid' }, key);
    // Same key, so handled after the malformed one: once it is answered, the malformed one is settled.
    const next = await authorize({ id: await api.register() }, key);
    expect((await replyFor(next.id)).type).toBe(SUCCESS_REPLY);
    const dead = (await api.host.broker.deadLetters.list(CUSTOMERS_COMMANDS_GROUP)).filter(
      (letter) => letter.messageId === malformed.id,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ type: AUTHORIZE, attempts: 1 });
    expect(dead[0]!.reason).toMatch(/^poison message: data\.id: /);
    expect(await repliesTo(malformed.id)).toBe(0);
  });

  it('replies once to a command delivered twice', async () => {
    const key = randomUUID();
    const id = await api.register();
    const first = await authorize({ id }, key);
    await replyFor(first.id);
    // The broker delivers it again (at least once): the same message, a new delivery to the group.
    await api.db.query(
      `INSERT INTO broker.deliveries (group_name, position, key)
       SELECT $1, position, key FROM broker.messages WHERE id = $2`,
      [CUSTOMERS_COMMANDS_GROUP, first.id],
    );
    await api.host.broker.publish([first]); // and the sender sends it again: the same id, stored once
    const next = await authorize({ id }, key);
    await replyFor(next.id);
    expect(await repliesTo(first.id)).toBe(1);
    expect(replies.filter((reply) => reply.causationId === first.id)).toHaveLength(1);
    expect(await api.host.broker.deadLetters.list(CUSTOMERS_COMMANDS_GROUP)).not.toContainEqual(
      expect.objectContaining({ messageId: first.id }),
    );
  });

  it('describes the command channel it receives, with the schema that checks the commands', () => {
    expect(customersReceives.map((channel) => channel.address)).toEqual([CUSTOMERS_COMMAND_CHANNEL]);
    expect(customersReceives[0]!.messages.map((message) => message.name)).toEqual([AUTHORIZE]);
  });
});
