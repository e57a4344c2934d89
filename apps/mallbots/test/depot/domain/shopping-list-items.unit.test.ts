import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as ShoppingList from '../../../src/depot/domain/shopping-list.js';

const ORDER = '2d8e5c74-a06b-4b9a-9f3c-4e5d6f7a8b92';
const BOOKS = '3e9f6d85-b17c-4cab-8a4d-5f6e7a8b9ca3';
const TOYS = '4fa07e96-c28d-4dbc-9b5e-6a7f8b9cadb4';
const DUNE = '5ab18fa7-d39e-4ecd-8c6f-7b8a9cadbec5';
const YOYO = '7cd3abc9-f5b0-4aef-8e8b-9dacbecfdae7';

const created: ShoppingList.Event = {
  type: 'depot.ShoppingListCreated',
  data: {
    orderId: ORDER,
    stops: [
      {
        storeId: BOOKS,
        storeName: 'Books',
        storeLocation: 'Level 1',
        items: [{ productId: DUNE, productName: 'Dune', quantity: 1 }],
      },
      {
        storeId: TOYS,
        storeName: 'Toys',
        storeLocation: 'Level 2',
        items: [{ productId: YOYO, productName: 'Yo-yo', quantity: 3 }],
      },
    ],
  },
};
const initiated: ShoppingList.Event = { type: 'depot.ShoppingListInitiated', data: {} };
const assigned: ShoppingList.Event = { type: 'depot.ShoppingListAssigned', data: { botId: 'bot-7' } };
const canceled: ShoppingList.Event = { type: 'depot.ShoppingListCanceled', data: {} };
const reported = (storeId: string, productId: string, outcome: ShoppingList.ItemOutcome) =>
  ({ type: 'depot.ShoppingListItemReported', data: { storeId, productId, outcome } }) as const;
const dunePicked = reported(BOOKS, DUNE, 'picked');
const yoyoUnavailable = reported(TOYS, YOYO, 'unavailable');
const report =
  (storeId: string, productId: string, outcome: ShoppingList.ItemOutcome, botId = 'bot-7') =>
  (state: ShoppingList.State) =>
    ShoppingList.reportItem(state, { botId, storeId, productId, outcome });
const completeBy = (botId: string) => (state: ShoppingList.State) =>
  ShoppingList.completeShopped(state, { botId });

describe('ShoppingList items reported by its bot', () => {
  const list = aggregateSpec(ShoppingList.aggregate);
  const held = [created, initiated, assigned] as const;

  it('becomes active on the first report, which records the item’s outcome', () => {
    const state = list
      .given(...held)
      .when(report(BOOKS, DUNE, 'picked'))
      .thenEvents(dunePicked);
    expect(state.status).toBe('active');
    expect(state.stops[0]!.items[0]!.outcome).toBe('picked');
    expect(state.stops[1]!.items[0]!.outcome).toBeUndefined();
    expect(ShoppingList.everyItemReported(state)).toBe(false);
  });

  it('records nothing for the same outcome again, and refuses another outcome', () => {
    list
      .given(...held, dunePicked)
      .when(report(BOOKS, DUNE, 'picked'))
      .thenEvents();
    const error = list
      .given(...held, dunePicked)
      .when(report(BOOKS, DUNE, 'unavailable'))
      .thenFails({ kind: 'failed_precondition', code: 'item_already_reported' });
    expect(error.message).toBe('the item was already reported picked');
  });

  it('refuses an item not on the list or at another stop, a bot that does not hold it, a list not held', () => {
    const missing = { kind: 'not_found', code: 'shopping_list_item_not_found' } as const;
    list
      .given(...held)
      .when(report(TOYS, DUNE, 'picked'))
      .thenFails(missing);
    list
      .given(...held)
      .when(report(BOOKS, YOYO, 'picked'))
      .thenFails(missing);
    const notHeld = { kind: 'failed_precondition', code: 'shopping_list_not_held' } as const;
    list
      .given(...held)
      .when(report(BOOKS, DUNE, 'picked', 'bot-8'))
      .thenFails(notHeld);
    list
      .given(created, initiated)
      .when(report(BOOKS, DUNE, 'picked'))
      .thenFails(notHeld);
    list
      .given(...held, canceled)
      .when(report(BOOKS, DUNE, 'picked'))
      .thenFails(notHeld);
    list
      .given()
      .when(report(BOOKS, DUNE, 'picked'))
      .thenFails({ kind: 'not_found', code: 'shopping_list_not_found' });
  });

  it('is completed by its bot once every item is reported, naming the unavailable ones; again records nothing', () => {
    const all = [...held, dunePicked, yoyoUnavailable] as const;
    expect(ShoppingList.everyItemReported(list.given(...all).state)).toBe(true);
    const completed: ShoppingList.Event = {
      type: 'depot.ShoppingListCompleted',
      data: { unavailableItems: [{ storeId: TOYS, productId: YOYO }] },
    };
    expect(
      list
        .given(...all)
        .when(completeBy('bot-7'))
        .thenEvents(completed).status,
    ).toBe('completed');
    list
      .given(...all, completed)
      .when(completeBy('bot-7'))
      .thenEvents();
  });

  it('is not completed by its bot before every item is reported, nor by another bot', () => {
    list
      .given(...held, dunePicked)
      .when(completeBy('bot-7'))
      .thenFails({ kind: 'failed_precondition', code: 'items_not_reported' });
    list
      .given(...held, dunePicked, yoyoUnavailable)
      .when(completeBy('bot-8'))
      .thenFails({ code: 'shopping_list_not_held' });
  });

  it('is completed by the operator only while assigned with no reports (every item counts as picked)', () => {
    list
      .given(...held)
      .when(ShoppingList.complete)
      .thenEvents({ type: 'depot.ShoppingListCompleted', data: { unavailableItems: [] } });
    list
      .given(...held, dunePicked)
      .when(ShoppingList.complete)
      .thenFails({ code: 'shopping_list_not_completable' });
  });

  it('is released by its vanished bot: available again, unassigned, its reports forgotten', () => {
    const released = list
      .given(...held, dunePicked)
      .when((s) => ShoppingList.release(s, { botId: 'bot-7' }))
      .thenEvents({ type: 'depot.ShoppingListReleased', data: { botId: 'bot-7' } });
    expect(released.status).toBe('available');
    expect(released.assignedBotId).toBeUndefined();
    expect(released.stops.flatMap((stop) => stop.items.map((item) => item.outcome))).toEqual([
      undefined,
      undefined,
    ]);
    list
      .given(...held)
      .when((s) => ShoppingList.release(s, { botId: 'bot-8' }))
      .thenEvents();
    list
      .given(...held, canceled)
      .when((s) => ShoppingList.release(s, { botId: 'bot-7' }))
      .thenEvents();
  });

  it('can be canceled while active', () => {
    list
      .given(...held, dunePicked)
      .when(ShoppingList.cancel)
      .thenEvents(canceled);
  });
});
