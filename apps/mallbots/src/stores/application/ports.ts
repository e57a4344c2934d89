import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { ProductSummary, StoreSummary } from '../contract/stores-service.js';

/**
 * What the application needs from the outside world beside its aggregates' store (an AggregateStore of
 * `@tessera/platform/ddd`, which the platform's event-sourced repository is).
 */

/** A store as the mall directory shows it: what Stores' contract shows other contexts. */
export type MallStore = StoreSummary;

/** A product as a store's catalog shows it: what Stores' contract shows other contexts. */
export type CatalogProduct = ProductSummary;

/** The mall: every store, kept up to date from the Store events. */
export interface MallRepository {
  find(storeId: string): Promise<MallStore | undefined>;
  /** A page of the stores (only those taking part, if asked), by name then id: the key is [name, id]. */
  list(filter: { participatingOnly: boolean }, page: PageRequest): Promise<Page<MallStore>>;
}

/** The catalog: every product not removed, kept up to date from the Product events. */
export interface CatalogRepository {
  find(productId: string): Promise<CatalogProduct | undefined>;
  /** A page of a store's products, by name then id: the key is [name, id]. */
  catalogOf(storeId: string, page: PageRequest): Promise<Page<CatalogProduct>>;
}
