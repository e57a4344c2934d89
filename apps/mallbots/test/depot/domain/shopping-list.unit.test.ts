import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as ShoppingList from '../../../src/depot/domain/shopping-list.js';

const ORDER = '2d8e5c74-a06b-4b9a-9f3c-4e5d6f7a8b92';
const books = { id: '3e9f6d85-b17c-4cab-8a4d-5f6e7a8b9ca3', name: 'Books', location: 'Level 1' };
const toys = { id: '4fa07e96-c28d-4dbc-9b5e-6a7f8b9cadb4', name: 'Toys', location: 'Level 2' };
const dune = { id: '5ab18fa7-d39e-4ecd-8c6f-7b8a9cadbec5', storeId: books.id, name: 'Dune' };
const emma = { id: '6bc29ab8-e4af-4fde-9d7a-8c9badbecfd6', storeId: books.id, name: 'Emma' };
const yoyo = { id: '7cd3abc9-f5b0-4aef-8e8b-9dacbecfdae7', storeId: toys.id, name: 'Yo-yo' };

const created: ShoppingList.Event = {
  type: 'depot.ShoppingListCreated',
  data: {
    orderId: ORDER,
    stops: [
      {
        storeId: books.id,
        storeName: 'Books',
        storeLocation: 'Level 1',
        items: [{ productId: dune.id, productName: 'Dune', quantity: 1 }],
      },
    ],
  },
};
const initiated: ShoppingList.Event = { type: 'depot.ShoppingListInitiated', data: {} };
const canceled: ShoppingList.Event = { type: 'depot.ShoppingListCanceled', data: {} };
const assigned: ShoppingList.Event = { type: 'depot.ShoppingListAssigned', data: { botId: 'bot-7' } };
const completed: ShoppingList.Event = {
  type: 'depot.ShoppingListCompleted',
  data: { unavailableItems: [] },
};
const assignTo = (botId: string) => (state: ShoppingList.State) => ShoppingList.assign(state, { botId });

describe('ShoppingList', () => {
  const list = aggregateSpec(ShoppingList.aggregate);

  it('is created pending, its items grouped by store in order of appearance, a repeated product summed', () => {
    const state = list
      .given()
      .when((s) =>
        ShoppingList.create(s, {
          orderId: ORDER,
          items: [
            { store: books, product: dune, quantity: 1 },
            { store: toys, product: yoyo, quantity: 3 },
            { store: books, product: emma, quantity: 2 },
            { store: books, product: dune, quantity: 4 },
          ],
        }),
      )
      .thenEvents({
        type: 'depot.ShoppingListCreated',
        data: {
          orderId: ORDER,
          stops: [
            {
              storeId: books.id,
              storeName: 'Books',
              storeLocation: 'Level 1',
              items: [
                { productId: dune.id, productName: 'Dune', quantity: 5 },
                { productId: emma.id, productName: 'Emma', quantity: 2 },
              ],
            },
            {
              storeId: toys.id,
              storeName: 'Toys',
              storeLocation: 'Level 2',
              items: [{ productId: yoyo.id, productName: 'Yo-yo', quantity: 3 }],
            },
          ],
        },
      });
    expect(state).toMatchObject({ exists: true, orderId: ORDER, status: 'pending' });
  });

  it('refuses a product the named store does not sell, no items, or a quantity under 1', () => {
    list
      .given()
      .when((s) =>
        ShoppingList.create(s, { orderId: ORDER, items: [{ store: toys, product: dune, quantity: 1 }] }),
      )
      .thenFails({
        kind: 'invalid_argument',
        code: 'product_not_in_store',
        message: `the product ${dune.id} is not sold by the store ${toys.id}`,
      });
    list
      .given()
      .when((s) => ShoppingList.create(s, { orderId: ORDER, items: [] }))
      .thenFails({ code: 'shopping_list_empty' });
    list
      .given()
      .when((s) =>
        ShoppingList.create(s, { orderId: ORDER, items: [{ store: books, product: dune, quantity: 0 }] }),
      )
      .thenFails({ code: 'item_quantity_not_positive' });
    list
      .given(created)
      .when((s) =>
        ShoppingList.create(s, { orderId: ORDER, items: [{ store: books, product: dune, quantity: 1 }] }),
      )
      .thenFails({ kind: 'already_exists' });
  });

  it('is initiated from pending to available (the reference left it pending); again records nothing', () => {
    expect(list.given(created).when(ShoppingList.initiate).thenEvents(initiated).status).toBe('available');
    list.given(created, initiated).when(ShoppingList.initiate).thenEvents();
  });

  it('cannot be initiated once canceled, nor when unknown', () => {
    list.given(created, canceled).when(ShoppingList.initiate).thenFails({
      kind: 'failed_precondition',
      code: 'shopping_list_not_initiable',
      message: 'the shopping list cannot be initiated',
    });
    list
      .given()
      .when(ShoppingList.initiate)
      .thenFails({ kind: 'not_found', code: 'shopping_list_not_found' });
  });

  it('is canceled when pending or available; canceling a canceled list records nothing', () => {
    expect(list.given(created).when(ShoppingList.cancel).thenEvents(canceled).status).toBe('canceled');
    list.given(created, initiated).when(ShoppingList.cancel).thenEvents(canceled);
    list.given(created, canceled).when(ShoppingList.cancel).thenEvents();
    list.given().when(ShoppingList.cancel).thenFails({ kind: 'not_found', code: 'shopping_list_not_found' });
  });

  it('cannot be canceled once completed', () => {
    const completed: ShoppingList.State = { ...list.given(created).state, status: 'completed' };
    expect(() => ShoppingList.cancel(completed)).toThrowError('the shopping list cannot be canceled');
  });

  it('is assigned to a bot when available; the same bot again records nothing', () => {
    const state = list.given(created, initiated).when(assignTo(' bot-7 ')).thenEvents(assigned);
    expect(state).toMatchObject({ status: 'assigned', assignedBotId: 'bot-7' });
    list.given(created, initiated, assigned).when(assignTo('bot-7')).thenEvents();
  });

  it('cannot be assigned unless available, nor to a second bot, nor to a blank bot, nor when unknown', () => {
    const refused = {
      kind: 'failed_precondition',
      code: 'shopping_list_not_assignable',
      message: 'the shopping list cannot be assigned',
    } as const;
    list.given(created).when(assignTo('bot-7')).thenFails(refused);
    list.given(created, canceled).when(assignTo('bot-7')).thenFails(refused);
    list.given(created, initiated, assigned).when(assignTo('bot-8')).thenFails(refused);
    list.given(created, initiated, assigned, completed).when(assignTo('bot-7')).thenFails(refused);
    const blank = list.given(created, initiated).when(assignTo('  ')).thenFails({
      kind: 'invalid_argument',
      code: 'bot_id_blank',
    });
    expect(blank.field).toBe('botId');
    list.given().when(assignTo('bot-7')).thenFails({ kind: 'not_found', code: 'shopping_list_not_found' });
  });

  it('is completed when assigned, keeping its bot; completing it again records nothing', () => {
    const state = list.given(created, initiated, assigned).when(ShoppingList.complete).thenEvents(completed);
    expect(state).toMatchObject({ status: 'completed', assignedBotId: 'bot-7' });
    list.given(created, initiated, assigned, completed).when(ShoppingList.complete).thenEvents();
  });

  it('cannot be completed unless assigned, nor when unknown; a completed list cannot be canceled', () => {
    const refused = {
      kind: 'failed_precondition',
      code: 'shopping_list_not_completable',
      message: 'the shopping list cannot be completed',
    } as const;
    list.given(created).when(ShoppingList.complete).thenFails(refused);
    list.given(created, initiated).when(ShoppingList.complete).thenFails(refused);
    list.given(created, initiated, canceled).when(ShoppingList.complete).thenFails(refused);
    list
      .given()
      .when(ShoppingList.complete)
      .thenFails({ kind: 'not_found', code: 'shopping_list_not_found' });
    list
      .given(created, initiated, assigned, completed)
      .when(ShoppingList.cancel)
      .thenFails({ code: 'shopping_list_not_cancelable' });
  });

  it('an assigned list can still be canceled (the saga compensating)', () => {
    list.given(created, initiated, assigned).when(ShoppingList.cancel).thenEvents(canceled);
  });
});
