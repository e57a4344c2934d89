import { randomUUID } from 'node:crypto';
import { SUCCESS_REPLY } from '@tessera/platform/messaging';
import { type Host, startHost } from '@tessera/platform/runtime';
import {
  authBeside,
  authorizationFor,
  deleteTestStream,
  type OpenedTestDatabase,
  testConfig,
  testNatsUrl,
  testSetups,
  uniqueTestStream,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_COMMANDS_GROUP } from '../../../src/depot/adapters/messaging/commands.js';
import { DEPOT_COMMAND_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { createDepotModule } from '../../../src/depot/module.js';
import {
  type Recorder,
  recordMessages,
  sendCommand,
  testReplyChannel,
} from '../../payments/support/messages.js';
import { type StoresHost, startStoresHost } from '../../stores/support/host.js';
import { HOST_START_MS, type ShoppingListDto, unknownId } from '../support/host.js';

// Depot in a process of its own (the process-per-module topology): Stores runs in another host, on its own
// database and broker, so none of its messages reach Depot's caches; Depot asks it over RPC, at the address
// RPC_SERVICES gives. When that Stores stops, CreateShoppingList is retried by the broker (the calls
// themselves retried, then failing fast once the breaker opens) and dead-lettered, never refused.
describe.each(testSetups)(
  'Depot asks a Stores of another process over RPC, $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let stores: StoresHost | undefined;
    let opened: OpenedTestDatabase;
    let depot: Host;
    let recorder: Recorder;
    const replyChannel = testReplyChannel();
    const stream = broker === 'nats' ? uniqueTestStream() : undefined;

    beforeAll(async () => {
      stores = await startStoresHost(backend);
      opened = await backend.open();
      depot = await startHost({
        name: 'Depot',
        version: 'test',
        modules: [createDepotModule()],
        db: opened.db,
        config: {
          ...testConfig(),
          rpcServices: new Map([['stores', stores.host.rpcUrl!]]),
          // As the launcher's processes do: tokens of one provider (Stores' here), a service client there.
          auth: await authBeside(stores.host),
          ...(stream
            ? { natsUrl: testNatsUrl, natsStream: stream, natsPartitions: 4, natsAckWaitMs: 2_000 }
            : {}),
        },
      });
      recorder = await recordMessages(depot.broker, [replyChannel]);
    }, HOST_START_MS);
    afterAll(async () => {
      await depot?.stop();
      await opened?.close();
      await stores?.close();
      if (stream) await deleteTestStream(stream);
    });

    const send = (type: string, data: unknown, key: string) =>
      sendCommand(depot.broker, { type, channel: DEPOT_COMMAND_CHANNEL, data, replyTo: replyChannel, key });

    it('creates a list whose stops are named by the other process’s Stores', async () => {
      const storeId = await stores!.createStore('Far Books', 'Level 9');
      const productId = await stores!.addProduct(storeId, { name: 'Atlas' });
      const orderId = unknownId();
      const sent = await send(
        'depotapi.CreateShoppingList',
        { orderId, items: [{ storeId, productId, quantity: 2 }] },
        orderId,
      );
      const reply = await recorder.replyTo(sent.id);
      expect(reply.type, JSON.stringify(reply.data)).toBe(SUCCESS_REPLY);
      const id = (reply.data as { result: { id: string } }).result.id;
      const response = await depot.http.inject({
        headers: await authorizationFor(stores!.host),
        method: 'GET',
        url: `/api/depot/shopping/${id}`,
      });
      expect(response.json<{ shoppingList: ShoppingListDto }>().shoppingList.stops).toEqual([
        {
          storeId,
          storeName: 'Far Books',
          storeLocation: 'Level 9',
          items: [{ productId, productName: 'Atlas', quantity: 2 }],
        },
      ]);
    });

    it('retries CreateShoppingList while that Stores is stopped, then dead-letters it with no reply', async () => {
      await stores!.close();
      stores = undefined;
      const orderId = unknownId();
      const create = await send(
        'depotapi.CreateShoppingList',
        { orderId, items: [{ storeId: randomUUID(), productId: randomUUID(), quantity: 1 }] },
        orderId,
      );
      // Handled after it (same key): once it answers, the creation has been dead-lettered.
      const fence = await send('depotapi.CancelShoppingList', { orderId }, orderId);
      expect((await recorder.replyTo(fence.id)).type).toBe(SUCCESS_REPLY);
      const [letter] = (await depot.broker.deadLetters.list(DEPOT_COMMANDS_GROUP)).filter(
        (dead) => dead.messageId === create.id,
      );
      expect(letter?.attempts).toBeGreaterThan(1);
      expect(letter?.reason).toMatch(/Stores could not answer the (store|product) look-up \(Unavailable/);
      expect(recorder.repliesTo(create.id)).toEqual([]);
      const rows = await opened.db.query('SELECT 1 FROM depot.shopping_lists WHERE order_id = $1', [orderId]);
      expect(rows.rows).toEqual([]);
    }, 90_000);
  },
);
