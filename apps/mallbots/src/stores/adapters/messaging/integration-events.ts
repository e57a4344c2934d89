import type { InlineProjection, RecordedEvent } from '@tessera/platform/eventstore';
import { eventMessage, type NewMessage, type Publisher, publishMessages } from '@tessera/platform/messaging';
import { type StoresMessage, storesChannelOf } from '../../contract/integration-events.js';
import { productEventSchemas, storeEventSchemas } from '../../domain/events.js';
import * as Product from '../../domain/product.js';
import * as Store from '../../domain/store.js';
import { eventsOf } from '../streams.js';

const storeEvents = eventsOf<Store.Event>(Store.aggregate.name, storeEventSchemas);
const productEvents = eventsOf<Product.Event>(Product.aggregate.name, productEventSchemas);

/** The integration message each domain event becomes; the internal event shapes never leave the module. */
function forStore(id: string, event: Store.Event): StoresMessage {
  switch (event.type) {
    case 'stores.StoreCreated':
      return { type: 'storesapi.StoreCreated', data: { id, ...event.data } };
    case 'stores.StoreParticipationEnabled':
      return { type: 'storesapi.StoreParticipatingToggled', data: { id, participating: true } };
    case 'stores.StoreParticipationDisabled':
      return { type: 'storesapi.StoreParticipatingToggled', data: { id, participating: false } };
    case 'stores.StoreRebranded':
      return { type: 'storesapi.StoreRebranded', data: { id, name: event.data.name } };
  }
}

function forProduct(id: string, event: Product.Event): StoresMessage {
  switch (event.type) {
    case 'stores.ProductAdded':
      return { type: 'storesapi.ProductAdded', data: { id, ...event.data } };
    case 'stores.ProductRebranded':
      return { type: 'storesapi.ProductRebranded', data: { id, ...event.data } };
    case 'stores.ProductPriceIncreased':
      return { type: 'storesapi.ProductPriceIncreased', data: { id, deltaCents: event.data.deltaCents } };
    case 'stores.ProductPriceDecreased':
      return { type: 'storesapi.ProductPriceDecreased', data: { id, deltaCents: event.data.deltaCents } };
    case 'stores.ProductRemoved':
      return { type: 'storesapi.ProductRemoved', data: { id } };
  }
}

const toMessage = (event: RecordedEvent, message: StoresMessage): NewMessage =>
  eventMessage(event, message, { subject: storesChannelOf(message.type), key: message.data.id });

/** Recorded Store and Product events as the messages to publish, in their order, keyed by aggregate id. */
export function toIntegrationMessages(recorded: readonly RecordedEvent[]): NewMessage[] {
  return recorded.flatMap((event) => {
    const store = storeEvents([event])[0];
    if (store) return [toMessage(event, forStore(store.id, store.event))];
    const product = productEvents([event])[0];
    if (product) return [toMessage(event, forProduct(product.id, product.event))];
    return [];
  });
}

/**
 * Publishes the integration messages of appended events in the appending transaction: with the embedded
 * broker that is the outbox, so a message exists if and only if its events were committed.
 */
export function publishIntegrationEvents(broker: Publisher): InlineProjection {
  return (recorded) => publishMessages(broker, 'stores', toIntegrationMessages(recorded));
}
