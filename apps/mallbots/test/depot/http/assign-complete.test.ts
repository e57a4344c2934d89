import { randomUUID } from 'node:crypto';
import { SUCCESS_REPLY } from '@tessera/platform/messaging';
import { expectPagedList, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_COMMAND_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { sendCommand } from '../../payments/support/messages.js';
import { type DepotHost, expectProblem, HOST_START_MS, startDepotHost, unknownId } from '../support/host.js';

describe.each(testSetups)(
  'Depot assigns and completes shopping lists over REST, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: DepotHost;
    let store: string;
    let product: string;
    beforeAll(async () => {
      api = await startDepotHost(backend, broker);
      store = await api.createStore('Books', 'Level 1');
      product = await api.addProduct(store, 'Dune');
      await api.cached(store, product);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const ask = async (type: string, data: unknown, key: string = randomUUID()) => {
      const sent = await sendCommand(api.host.broker, {
        type,
        channel: DEPOT_COMMAND_CHANNEL,
        data,
        replyTo: api.replyChannel,
        key,
      });
      const reply = await api.recorder.replyTo(sent.id);
      expect(reply.type, JSON.stringify(reply.data)).toBe(SUCCESS_REPLY);
      return reply;
    };
    /** A list made by the saga's commands: pending, or available once initiated. */
    const listOf = async (orderId: string, initiate = true) => {
      const reply = await ask(
        'depotapi.CreateShoppingList',
        { orderId, items: [{ storeId: store, productId: product, quantity: 2 }] },
        orderId,
      );
      const { id } = (reply.data as { result: { id: string } }).result;
      if (initiate) await ask('depotapi.InitiateShopping', { id });
      return id;
    };
    const assign = (id: string, botId: string) =>
      api.call('PUT', `/api/depot/shopping/${id}/assign`, { botId });
    const complete = (id: string) => api.call('PUT', `/api/depot/shopping/${id}/complete`);
    /** Distinct messages (a redelivery to the recording group is not a second one). */
    const published = (id: string, type: string) => [
      ...new Set(
        api.recorder.messages
          .filter((message) => message.key === id && message.type === type)
          .map((message) => message.id),
      ),
    ];
    const versionOf = async (id: string) =>
      (await api.db.query('SELECT version FROM depot.shopping_lists WHERE id = $1', [id])).rows[0];

    it('lists a status a page at a time, oldest first, every list once', async () => {
      const made: string[] = [];
      for (let n = 0; n < 12; n++) made.push(await listOf(unknownId(), false));
      const all = await expectPagedList(api, '/api/depot/shopping?status=pending', 'shoppingLists', {
        atLeast: 12,
      });
      expect(all.filter((id) => made.includes(id))).toEqual(made);
    });

    it('assigns an available list to a bot, then completes it, publishing each once; repeating changes nothing', async () => {
      const orderId = unknownId();
      const id = await listOf(orderId);
      expect((await assign(id, ' bot-7 ')).statusCode).toBe(204);
      expect(await api.getShoppingList(id)).toMatchObject({ status: 'assigned', assignedBotId: 'bot-7' });
      expect((await assign(id, 'bot-7')).statusCode).toBe(204);
      const assigned = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListAssigned' && m.key === id,
      );
      expect(assigned.data).toEqual({ id, orderId, botId: 'bot-7' });

      const answer = await complete(id.toUpperCase());
      expect(answer.statusCode, answer.body).toBe(204);
      expect(answer.body).toBe('');
      expect((await complete(id)).statusCode).toBe(204);
      expect(await api.getShoppingList(id)).toMatchObject({ status: 'completed', assignedBotId: 'bot-7' });
      const completed = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListCompleted' && m.key === id,
      );
      expect(completed.data).toEqual({ id, orderId, unavailableItems: [] });
      // Created, available, assigned, completed: four saves, one message each, none for the repeats.
      expect(await versionOf(id)).toEqual({ version: 4 });
      expect(published(id, 'depotapi.ShoppingListAssigned')).toHaveLength(1);
      expect(published(id, 'depotapi.ShoppingListCompleted')).toHaveLength(1);
    });

    it('refuses to assign a pending, canceled or completed list, or an assigned one to another bot (409)', async () => {
      const notAssignable = {
        code: 'shopping_list_not_assignable',
        detail: 'the shopping list cannot be assigned',
      };
      const pending = await listOf(unknownId(), false);
      expectProblem(await assign(pending, 'bot-1'), 409, notAssignable);

      const canceledOrder = unknownId();
      const canceled = await listOf(canceledOrder);
      await ask('depotapi.CancelShoppingList', { orderId: canceledOrder });
      expectProblem(await assign(canceled, 'bot-1'), 409, notAssignable);

      const taken = await listOf(unknownId());
      expect((await assign(taken, 'bot-1')).statusCode).toBe(204);
      expectProblem(await assign(taken, 'bot-2'), 409, notAssignable);
      expect((await complete(taken)).statusCode).toBe(204);
      expectProblem(await assign(taken, 'bot-1'), 409, notAssignable);
      expect(await api.getShoppingList(taken)).toMatchObject({ status: 'completed', assignedBotId: 'bot-1' });
      expect(await api.getShoppingList(pending)).not.toHaveProperty('assignedBotId');
    });

    it('refuses to complete a list no bot was assigned (409), and saves nothing', async () => {
      const notCompletable = {
        code: 'shopping_list_not_completable',
        detail: 'the shopping list cannot be completed',
      };
      const available = await listOf(unknownId());
      expectProblem(await complete(available), 409, notCompletable);
      const pending = await listOf(unknownId(), false);
      expectProblem(await complete(pending), 409, notCompletable);
      expect((await api.getShoppingList(available)).status).toBe('available');
      // Nothing saved, so nothing published (messages join the saving transaction).
      expect(await versionOf(available)).toEqual({ version: 2 });
      expect(await versionOf(pending)).toEqual({ version: 1 });
    });
  },
);
