import { randomUUID } from 'node:crypto';
import { FAILURE_REPLY, type Reply, SUCCESS_REPLY } from '@tessera/platform/messaging';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPOT_COMMANDS_GROUP } from '../../../src/depot/adapters/messaging/commands.js';
import { DEPOT_COMMAND_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { sendCommand } from '../../payments/support/messages.js';
import { type DepotHost, HOST_START_MS, startDepotHost, unknownId } from '../support/host.js';

const CREATE = 'depotapi.CreateShoppingList';
const CANCEL = 'depotapi.CancelShoppingList';
const INITIATE = 'depotapi.InitiateShopping';

describe.each(testSetups)(
  'Depot answers the saga’s commands through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: DepotHost;
    let books: string;
    let toys: string;
    let dune: string;
    let emma: string;
    let yoyo: string;
    beforeAll(async () => {
      api = await startDepotHost(backend, broker);
      books = await api.createStore('Books', 'Level 1, east');
      toys = await api.createStore('Toys', 'Level 2');
      dune = await api.addProduct(books, 'Dune');
      emma = await api.addProduct(books, 'Emma');
      yoyo = await api.addProduct(toys, 'Yo-yo');
      await api.cached(books, dune);
      await api.cached(books, emma);
      await api.cached(toys, yoyo);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const send = (type: string, data: unknown, key: string = randomUUID()) =>
      sendCommand(api.host.broker, {
        type,
        channel: DEPOT_COMMAND_CHANNEL,
        data,
        replyTo: api.replyChannel,
        key,
      });
    const ask = async (type: string, data: unknown, key?: string): Promise<Reply> =>
      api.recorder.replyTo((await send(type, data, key)).id);
    const create = async (orderId: string, items: unknown[]) => {
      const reply = await ask(CREATE, { orderId, items }, orderId);
      expect(reply.type, JSON.stringify(reply.data)).toBe(SUCCESS_REPLY);
      return (reply.data as { result: { id: string } }).result.id;
    };
    const listEvents = (id: string, type: string) =>
      api.recorder.messages.filter((m) => m.key === id && m.type === type);
    const rowsOfOrder = async (orderId: string) =>
      (await api.db.query('SELECT id FROM depot.shopping_lists WHERE order_id = $1', [orderId])).rows.length;

    it('creates a pending list with stops grouped by store, named from the caches, and publishes it', async () => {
      const orderId = unknownId();
      const sent = await send(
        CREATE,
        {
          orderId,
          items: [
            { storeId: books, productId: dune, quantity: 1 },
            { storeId: toys, productId: yoyo, quantity: 2 },
            { storeId: books, productId: emma, quantity: 3 },
          ],
        },
        orderId,
      );
      const reply = await api.recorder.replyTo(sent.id);
      expect(reply).toMatchObject({
        type: SUCCESS_REPLY,
        source: 'depot',
        key: orderId,
        correlationId: sent.correlationId,
        data: { command: CREATE, result: { id: expect.any(String) } },
      });
      const id = (reply.data as { result: { id: string } }).result.id;
      const list = await api.getShoppingList(id);
      expect(list).toMatchObject({ id, orderId, status: 'pending' });
      expect(list.stops).toEqual([
        {
          storeId: books,
          storeName: 'Books',
          storeLocation: 'Level 1, east',
          items: [
            { productId: dune, productName: 'Dune', quantity: 1 },
            { productId: emma, productName: 'Emma', quantity: 3 },
          ],
        },
        {
          storeId: toys,
          storeName: 'Toys',
          storeLocation: 'Level 2',
          items: [{ productId: yoyo, productName: 'Yo-yo', quantity: 2 }],
        },
      ]);
      const published = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListCreated' && m.key === id,
      );
      // The stops travel with it, as the list has them (what a customer watches of the order).
      expect(published.data).toEqual({ id, orderId, stops: list.stops });
    });

    it('answers the same id for the same order, sent again or delivered twice, and makes one list', async () => {
      const orderId = unknownId();
      const items = [{ storeId: books, productId: dune, quantity: 1 }];
      const first = await send(CREATE, { orderId, items }, orderId);
      await api.host.broker.publish([first]);
      const again = await send(
        CREATE,
        { orderId, items: [{ storeId: toys, productId: yoyo, quantity: 9 }] },
        orderId,
      );
      const [one, two] = [await api.recorder.replyTo(first.id), await api.recorder.replyTo(again.id)];
      expect(one.data).toEqual(two.data);
      const id = (one.data as { result: { id: string } }).result.id;
      expect(api.recorder.repliesTo(first.id)).toHaveLength(1);
      expect(await rowsOfOrder(orderId)).toBe(1);
      expect((await api.getShoppingList(id)).stops).toHaveLength(1);
      await api.recorder.waitFor((m) => m.type === 'depotapi.ShoppingListCreated' && m.key === id);
      expect(listEvents(id, 'depotapi.ShoppingListCreated')).toHaveLength(1);
    });

    it('replies Failure naming an unknown product or store, or a product of another store; no list is made', async () => {
      const orderId = unknownId();
      const missingProduct = unknownId();
      const missingStore = unknownId();
      const cases: Array<[unknown[], Record<string, string>]> = [
        [
          [
            { storeId: books, productId: dune, quantity: 1 },
            { storeId: books, productId: missingProduct, quantity: 1 },
          ],
          {
            kind: 'not_found',
            code: 'product_not_found',
            reason: `the product ${missingProduct} is not known`,
          },
        ],
        [
          [{ storeId: missingStore, productId: dune, quantity: 1 }],
          { kind: 'not_found', code: 'store_not_found', reason: `the store ${missingStore} is not known` },
        ],
        [
          [{ storeId: toys, productId: dune, quantity: 1 }],
          { kind: 'invalid_argument', code: 'product_not_in_store' },
        ],
      ];
      for (const [items, expected] of cases) {
        const reply = await ask(CREATE, { orderId, items }, orderId);
        expect(reply).toMatchObject({ type: FAILURE_REPLY, data: { command: CREATE, ...expected } });
      }
      expect(await rowsOfOrder(orderId)).toBe(0);
      expect(await api.host.broker.deadLetters.list(DEPOT_COMMANDS_GROUP)).toEqual([]);
    });

    it('initiates a pending list: available, published, listed oldest first; again is a Success that changes nothing', async () => {
      const older = await create(unknownId(), [{ storeId: books, productId: dune, quantity: 1 }]);
      const newer = await create(unknownId(), [{ storeId: toys, productId: yoyo, quantity: 1 }]);
      expect((await ask(INITIATE, { id: newer })).type).toBe(SUCCESS_REPLY);
      expect((await ask(INITIATE, { id: older })).type).toBe(SUCCESS_REPLY);
      expect((await ask(INITIATE, { id: older })).type).toBe(SUCCESS_REPLY);
      expect((await api.getShoppingList(older)).status).toBe('available');
      const available = await api.recorder.waitFor(
        (m) => m.type === 'depotapi.ShoppingListAvailable' && m.key === older,
      );
      expect(available.data).toMatchObject({ id: older });
      const listed = (await api.call('GET', '/api/depot/shopping?status=available')).json<{
        shoppingLists: Array<{ id: string; status: string }>;
      }>().shoppingLists;
      const ours = listed.map((list) => list.id).filter((id) => id === older || id === newer);
      expect(ours).toEqual([older, newer]);
      expect(listed.every((list) => list.status === 'available')).toBe(true);
      const version = await api.db.query('SELECT version FROM depot.shopping_lists WHERE id = $1', [older]);
      expect(version.rows[0]).toEqual({ version: 2 });
    });

    it('cancels the order’s pending list (compensation), publishes it once; canceling again is a Success; a canceled list cannot be initiated', async () => {
      const orderId = unknownId();
      const id = await create(orderId, [{ storeId: books, productId: emma, quantity: 1 }]);
      const other = await create(unknownId(), [{ storeId: books, productId: emma, quantity: 1 }]);
      expect(await ask(CANCEL, { orderId }, orderId)).toMatchObject({
        type: SUCCESS_REPLY,
        key: orderId,
        data: { command: CANCEL },
      });
      expect((await ask(CANCEL, { orderId }, orderId)).type).toBe(SUCCESS_REPLY);
      expect((await api.getShoppingList(id)).status).toBe('canceled');
      expect((await api.getShoppingList(other)).status).toBe('pending');
      await api.recorder.waitFor((m) => m.type === 'depotapi.ShoppingListCanceled' && m.key === id);
      const initiate = await ask(INITIATE, { id });
      expect(initiate).toMatchObject({
        type: FAILURE_REPLY,
        data: {
          command: INITIATE,
          kind: 'failed_precondition',
          code: 'shopping_list_not_initiable',
          reason: 'the shopping list cannot be initiated',
        },
      });
      const version = await api.db.query('SELECT version FROM depot.shopping_lists WHERE id = $1', [id]);
      expect(version.rows[0]).toEqual({ version: 2 });
      expect(listEvents(id, 'depotapi.ShoppingListCanceled')).toHaveLength(1);
    });

    it('cancels an available list by its order too', async () => {
      const orderId = unknownId();
      const id = await create(orderId, [{ storeId: toys, productId: yoyo, quantity: 1 }]);
      expect((await ask(INITIATE, { id }, orderId)).type).toBe(SUCCESS_REPLY);
      expect((await ask(CANCEL, { orderId }, orderId)).type).toBe(SUCCESS_REPLY);
      expect((await api.getShoppingList(id)).status).toBe('canceled');
      await api.recorder.waitFor((m) => m.type === 'depotapi.ShoppingListCanceled' && m.key === id);
    });

    it('cancels nothing for an order with no list (a creation that timed out and never happened): a Success', async () => {
      const orderId = unknownId();
      const cancel = await send(CANCEL, { orderId }, orderId);
      expect(await api.recorder.replyTo(cancel.id)).toMatchObject({
        type: SUCCESS_REPLY,
        data: { command: CANCEL },
      });
      expect(await rowsOfOrder(orderId)).toBe(0);
      expect(
        api.recorder.messages.filter((m) => m.type === 'depotapi.ShoppingListCanceled'),
      ).not.toContainEqual(expect.objectContaining({ data: expect.objectContaining({ orderId }) }));
      const dead = await api.host.broker.deadLetters.list(DEPOT_COMMANDS_GROUP);
      expect(dead.filter((letter) => letter.messageId === cancel.id)).toEqual([]);
    });

    it('dead-letters a cancel that names a list id instead of the order, with no reply and nothing canceled', async () => {
      const orderId = unknownId();
      const id = await create(orderId, [{ storeId: books, productId: dune, quantity: 1 }]);
      const stale = await send(CANCEL, { id }, orderId);
      // Handled after the stale cancel (same key): once it replies, the stale one has been dealt with.
      expect((await ask(INITIATE, { id }, orderId)).type).toBe(SUCCESS_REPLY);
      const dead = await api.host.broker.deadLetters.list(DEPOT_COMMANDS_GROUP);
      expect(dead.filter((letter) => letter.messageId === stale.id)).toEqual([
        expect.objectContaining({ attempts: 1 }),
      ]);
      expect(api.recorder.repliesTo(stale.id)).toEqual([]);
      expect((await api.getShoppingList(id)).status).toBe('available');
    });

    it('replies Failure not_found to initiate an unknown list', async () => {
      expect(await ask(INITIATE, { id: unknownId() })).toMatchObject({
        type: FAILURE_REPLY,
        data: { command: INITIATE, kind: 'not_found', code: 'shopping_list_not_found' },
      });
    });

    it('asks Stores on a cache miss, and remembers the answer', async () => {
      const store = await api.createStore('Lamps', 'Level 3');
      const lamp = await api.addProduct(store, 'Lamp');
      await api.cached(store, lamp);
      await api.db.query('DELETE FROM depot.products_cache WHERE id = $1', [lamp]);
      await api.db.query('DELETE FROM depot.stores_cache WHERE id = $1', [store]);
      const id = await create(unknownId(), [{ storeId: store, productId: lamp, quantity: 1 }]);
      expect((await api.getShoppingList(id)).stops[0]).toMatchObject({
        storeName: 'Lamps',
        storeLocation: 'Level 3',
      });
      const cached = await api.db.query('SELECT name FROM depot.products_cache WHERE id = $1', [lamp]);
      expect(cached.rows).toEqual([{ name: 'Lamp' }]);
    });
  },
);
