import type { RecordedEvent } from '@tessera/platform/eventstore';
import type * as Order from '../domain/order.js';

/**
 * What the application needs from the outside world beside its orders' store (an AggregateStore of
 * `@tessera/platform/ddd`, which the platform's event-sourced repository is).
 */

/**
 * Where the integration messages of a save go, inside the saving transaction: they exist if and only if the
 * save commits. `state` is the order after the save; `events` are the events the save recorded.
 */
export interface IntegrationOutbox {
  publish(orderId: string, state: Order.State, events: readonly RecordedEvent[]): Promise<void>;
}

export type { BasketCheckout, BasketCheckouts } from '../../baskets/contract/checkouts.js';
export { BasketsUnavailableError } from '../../baskets/contract/checkouts.js';
