import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { Decision } from '../domain/product-checks.js';
import type { Product } from '../domain/products.js';

/** The product register: products by id, listed by name. */
export interface ProductRegister {
  /** Registers the product, or replaces what the register had under its id. */
  put(product: Product): Promise<void>;
  /** The registered products among these ids (an id not registered is simply missing). */
  findAll(ids: readonly string[]): Promise<Product[]>;
  /** By name; `excludingCategories` (lower case) leaves those categories out of the page, not after it. */
  list(page: PageRequest, filter?: { excludingCategories?: readonly string[] }): Promise<Page<Product>>;
}

/** Product analysis's decisions on one LC application. */
export interface ProductChecks {
  readonly lcApplicationId: string;
  readonly value: Decision;
  readonly legality: Decision;
}

/** The decisions, one record per application: an application is decided once, whatever is delivered again. */
export interface ProductCheckRecords {
  /** Records the decisions unless the application has some already; true when these were recorded. */
  record(checks: ProductChecks): Promise<boolean>;
  find(lcApplicationId: string): Promise<(ProductChecks & { readonly decidedAt: string }) | undefined>;
}

/** Where recorded decisions are published, in the recording transaction (the broker's outbox). */
export interface DecisionOutbox {
  publish(checks: ProductChecks): Promise<void>;
}
