import type { RecordedEvent } from '@tessera/platform/eventstore';
import type { StoresDirectory as StoresCopiesDirectory } from '../../stores/contract/stores-copies.js';
import type * as Basket from '../domain/basket.js';

/**
 * What the application needs from the outside world beside its baskets' store (an AggregateStore of
 * `@tessera/platform/ddd`, which the platform's event-sourced repository is).
 */

/** A store as Baskets needs it (the anti-corruption layer keeps only this of Stores' model). */
export interface StoreInfo {
  readonly id: string;
  readonly name: string;
}

/** A product as Baskets needs it. The price is whole cents. */
export interface ProductInfo {
  readonly id: string;
  readonly storeId: string;
  readonly name: string;
  readonly priceCents: number;
}

/** Stores' public API, asked on a miss of the local copies of Stores' data (`baskets.stores_cache`, `baskets.products_cache`; see the README). */
export type StoresDirectory = StoresCopiesDirectory<StoreInfo, ProductInfo>;

/** Stores could not be asked: the one error of Stores' contract, whoever answers for Stores. */
export { StoresUnavailableError } from '../../stores/contract/stores-service.js';

/** Customers' public API: a basket is started only for a customer it knows. Throws when it cannot answer. */
export interface CustomersDirectory {
  findCustomer(id: string): Promise<{ readonly id: string } | undefined>;
}

/** Customers could not be asked: the one error of Customers' contract, whoever answers for Customers. */
export { CustomersUnavailableError } from '../../customers/contract/customers-service.js';

/**
 * Where the integration messages of a save go, inside the saving transaction: they exist if and only if the
 * save commits. `state` is the basket after the save; `events` are the events the save recorded.
 */
export interface IntegrationOutbox {
  publish(basketId: string, state: Basket.State, events: readonly RecordedEvent[]): Promise<void>;
}
