import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox, SavedShoppingListEvent } from '../../application/ports.js';
import { type DepotMessage, SHOPPING_LIST_CHANNEL } from '../../contract/integration-events.js';

/**
 * The integration message each event becomes: the internal event shapes never leave the module, only what
 * the contract names (a stop's products and names, not the cache rows behind them). A released list is
 * available to the bots again, and says so again.
 */
function forShoppingList({ shoppingListId: id, shoppingList, event }: SavedShoppingListEvent): DepotMessage {
  const data = { id, orderId: shoppingList.orderId };
  switch (event.type) {
    case 'depot.ShoppingListCreated': {
      const stops = event.data.stops.map(({ storeId, storeName, storeLocation, items }) => ({
        storeId,
        storeName,
        storeLocation,
        items: items.map(({ productId, productName, quantity }) => ({ productId, productName, quantity })),
      }));
      return { type: 'depotapi.ShoppingListCreated', data: { ...data, stops } };
    }
    case 'depot.ShoppingListInitiated':
    case 'depot.ShoppingListReleased':
      return { type: 'depotapi.ShoppingListAvailable', data };
    case 'depot.ShoppingListCanceled':
      return { type: 'depotapi.ShoppingListCanceled', data };
    case 'depot.ShoppingListAssigned':
      return {
        type: 'depotapi.ShoppingListAssigned',
        data: {
          ...data,
          botId: event.data.botId,
          ...(event.data.botName === undefined ? {} : { botName: event.data.botName }),
        },
      };
    case 'depot.ShoppingListItemReported': {
      // Only the bot holding the list reports (the domain checks it), so the list names the bot.
      const { storeId, productId, outcome } = event.data;
      const botId = shoppingList.assignedBotId ?? '';
      return {
        type: 'depotapi.ShoppingListItemReported',
        data: { ...data, botId, storeId, productId, outcome },
      };
    }
    case 'depot.ShoppingListCompleted': {
      const unavailableItems = event.data.unavailableItems.map(({ storeId, productId }) => ({
        storeId,
        productId,
      }));
      return { type: 'depotapi.ShoppingListCompleted', data: { ...data, unavailableItems } };
    }
  }
}

/** Shopping-list events as the messages to publish, in their order, keyed by shopping-list id. */
export function toIntegrationMessages(events: readonly SavedShoppingListEvent[]): NewMessage[] {
  return events.map((saved) => {
    const message = forShoppingList(saved);
    return {
      type: message.type,
      subject: SHOPPING_LIST_CHANNEL,
      key: saved.shoppingListId,
      data: message.data,
    };
  });
}

/** Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (events, savedVersion) =>
      publishSaveMessages(broker, 'depot', toIntegrationMessages(events), savedVersion),
  };
}
