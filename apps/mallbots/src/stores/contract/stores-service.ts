/**
 * Stores' synchronous public API for other contexts (the spec's StoresService RPC), as data: what a store and
 * a product are to the outside. In one process the Stores module provides it under `STORES_SERVICE`; from
 * another process the same questions go to the REST API (`GET /api/stores/{id}`, `GET /api/stores/products/{id}`).
 */
export const STORES_SERVICE = 'mallbots.stores.StoresService';

export interface StoreSummary {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly participating: boolean;
}

export interface ProductSummary {
  readonly id: string;
  readonly storeId: string;
  readonly name: string;
  readonly description: string;
  readonly sku: string;
  /** Whole cents. */
  readonly priceCents: number;
}

export interface StoresService {
  /** Undefined when Stores does not know the id. */
  findStore(id: string): Promise<StoreSummary | undefined>;
  /** Undefined when Stores does not know the id, or the product was removed. */
  findProduct(id: string): Promise<ProductSummary | undefined>;
}

/**
 * Stores could not be asked (unreachable, timed out, or it answered something that is not an answer). Not a
 * DomainError: the caller's request may be retried later (Baskets answers 503; Depot's command is retried by
 * the broker, never refused, so that the saga does not compensate for an outage).
 */
export class StoresUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoresUnavailableError';
  }
}
