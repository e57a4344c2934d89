import { type Broker, derivedId, type NewMessage, newEnvelope } from '@tessera/platform/messaging';
import type { IntegrationOutbox, SavedShoppingListEvent } from '../../application/ports.js';
import { type DepotMessage, SHOPPING_LIST_CHANNEL } from '../../contract/integration-events.js';

/** The integration message each event becomes; the internal event shapes (the stops) never leave the module. */
function forShoppingList({ shoppingListId: id, shoppingList, event }: SavedShoppingListEvent): DepotMessage {
  const data = { id, orderId: shoppingList.orderId };
  switch (event.type) {
    case 'depot.ShoppingListCreated':
      return { type: 'depotapi.ShoppingListCreated', data };
    case 'depot.ShoppingListInitiated':
      return { type: 'depotapi.ShoppingListAvailable', data };
    case 'depot.ShoppingListCanceled':
      return { type: 'depotapi.ShoppingListCanceled', data };
    case 'depot.ShoppingListAssigned':
      return { type: 'depotapi.ShoppingListAssigned', data: { ...data, botId: event.data.botId } };
    case 'depot.ShoppingListCompleted':
      return { type: 'depotapi.ShoppingListCompleted', data: { ...data, unavailableItems: [] } };
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

/**
 * Publishes through the broker in the saving transaction (with the embedded broker, that is the outbox).
 * A save is one version of one row, so `<list>@<version>` and the message's place name it for good.
 */
export function brokerOutbox(broker: Broker): IntegrationOutbox {
  return {
    async publish(events, savedVersion) {
      const messages = toIntegrationMessages(events);
      if (messages.length === 0) return;
      await broker.publish(
        messages.map((message, index) =>
          newEnvelope('depot', { ...message, id: derivedId(`${message.key}@${savedVersion}`, index) }),
        ),
      );
    },
  };
}
