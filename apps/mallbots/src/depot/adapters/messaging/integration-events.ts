import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox, SavedShoppingListEvent } from '../../application/ports.js';
import { type DepotMessage, SHOPPING_LIST_CHANNEL } from '../../contract/integration-events.js';

/**
 * The integration message each event becomes, if any; the internal event shapes (the stops, the item reports)
 * never leave the module. A released list is available to the bots again, and says so again.
 */
function forShoppingList({
  shoppingListId: id,
  shoppingList,
  event,
}: SavedShoppingListEvent): DepotMessage | undefined {
  const data = { id, orderId: shoppingList.orderId };
  switch (event.type) {
    case 'depot.ShoppingListCreated':
      return { type: 'depotapi.ShoppingListCreated', data };
    case 'depot.ShoppingListInitiated':
    case 'depot.ShoppingListReleased':
      return { type: 'depotapi.ShoppingListAvailable', data };
    case 'depot.ShoppingListCanceled':
      return { type: 'depotapi.ShoppingListCanceled', data };
    case 'depot.ShoppingListAssigned':
      return { type: 'depotapi.ShoppingListAssigned', data: { ...data, botId: event.data.botId } };
    case 'depot.ShoppingListItemReported':
      return undefined;
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
  return events.flatMap((saved) => {
    const message = forShoppingList(saved);
    if (!message) return [];
    return [
      {
        type: message.type,
        subject: SHOPPING_LIST_CHANNEL,
        key: saved.shoppingListId,
        data: message.data,
      },
    ];
  });
}

/** Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (events, savedVersion) =>
      publishSaveMessages(broker, 'depot', toIntegrationMessages(events), savedVersion),
  };
}
