import type { RecordedEvent } from '@tessera/platform/eventstore';
import { eventMessage, type NewMessage, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { IntegrationOutbox } from '../../application/ports.js';
import { BASKET_CHANNEL, type BasketsMessage } from '../../contract/integration-events.js';
import * as Basket from '../../domain/basket.js';

/**
 * The integration message an event becomes, given the basket after the save. Item changes are not published
 * (spec §3.2): only the basket's life cycle is. The internal event shapes never leave the module.
 */
function forBasket(id: string, state: Basket.State, event: RecordedEvent): BasketsMessage | undefined {
  switch (event.type as Basket.Event['type']) {
    case 'baskets.BasketStarted':
      return { type: 'basketsapi.BasketStarted', data: { id, customerId: state.customerId } };
    case 'baskets.BasketCanceled':
      return { type: 'basketsapi.BasketCanceled', data: { id } };
    case 'baskets.BasketCheckedOut': {
      // Checkout is a basket's last event, so the state after the save is the state at checkout; the same
      // function answers BasketCheckouts, so the message and the answer never differ.
      const checkout = Basket.checkoutOf(id, state);
      return checkout && { type: 'basketsapi.BasketCheckedOut', data: checkout };
    }
    default:
      return undefined;
  }
}

/** A save's recorded events as the messages to publish, in order, keyed by basket id. */
export function toIntegrationMessages(
  id: string,
  state: Basket.State,
  recorded: readonly RecordedEvent[],
): NewMessage[] {
  return recorded.flatMap((event) => {
    const message = forBasket(id, state, event);
    return message ? [eventMessage(event, message, { subject: BASKET_CHANNEL, key: id })] : [];
  });
}

/** Publishes through the broker in the appending transaction (with the embedded broker, that is the outbox). */
export function brokerOutbox(broker: Publisher): IntegrationOutbox {
  return {
    publish: (id, state, recorded) =>
      publishMessages(broker, 'baskets', toIntegrationMessages(id, state, recorded)),
  };
}
