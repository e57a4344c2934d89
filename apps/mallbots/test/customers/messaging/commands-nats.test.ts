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
import { postgresTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS_COMMAND_CHANNEL } from '../../../src/customers/contract/integration-events.js';
import { type CustomersHost, startCustomersHost, unknownId } from '../support/host.js';

const AUTHORIZE = 'customersapi.AuthorizeCustomer';

// The saga's conversation with Customers through NATS JetStream: command out through the outbox and relay,
// handled behind the inbox, reply back the same way. (commands.test.ts covers the rest on the embedded broker.)
describe('Customers answers AuthorizeCustomer through NATS JetStream, on PostgreSQL', () => {
  let api: CustomersHost;
  const replyTo = `mallbots.tests.replies.${randomUUID().slice(0, 8)}`;
  const replies = new Map<string, Reply>();
  const waiting = new Map<string, (reply: Reply) => void>();
  const replyFor = (commandId: string) =>
    new Promise<Reply>((resolve) => {
      const reply = replies.get(commandId);
      if (reply) resolve(reply);
      else waiting.set(commandId, resolve);
    });

  beforeAll(async () => {
    api = await startCustomersHost(postgresTestDatabase, 'nats');
    const record = async (_data: unknown, message: Envelope) => {
      const reply = message as Reply;
      replies.set(reply.causationId!, reply);
      waiting.get(reply.causationId!)?.(reply);
    };
    await api.host.broker.subscribe({
      group: 'customers-commands-nats-test',
      subjects: [replyTo],
      handle: onMessages(replySchemas, { [SUCCESS_REPLY]: record, [FAILURE_REPLY]: record }),
    });
  });
  afterAll(() => api?.close());

  const authorize = async (id: string, key: string = randomUUID()) => {
    const sent = command('cosec', {
      type: AUTHORIZE,
      channel: CUSTOMERS_COMMAND_CHANNEL,
      key,
      data: { id },
      replyTo,
    });
    await api.host.broker.publish([sent]);
    return sent;
  };

  it('replies Success, Failure for a disabled customer, and Failure for an unknown one', async () => {
    const enabled = await api.register();
    const disabled = await api.register('Grace Hopper');
    expect((await api.call('PUT', `/api/customers/${disabled}/disable`)).statusCode).toBe(204);
    const [ok, refused, unknown] = await Promise.all([
      authorize(enabled, 'order-1'),
      authorize(disabled),
      authorize(unknownId()),
    ]);
    expect(await replyFor(ok.id)).toMatchObject({
      type: SUCCESS_REPLY,
      source: 'customers',
      key: 'order-1',
      correlationId: ok.correlationId,
      data: { command: AUTHORIZE },
    });
    for (const sent of [refused, unknown]) {
      expect(await replyFor(sent.id)).toMatchObject({
        type: FAILURE_REPLY,
        data: { kind: 'permission_denied', code: 'customer_not_authorized' },
      });
    }
    expect(await api.host.broker.deadLetters.list()).toEqual([]);
  });
});
