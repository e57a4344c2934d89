/**
 * What the application needs from the outside world. The adapters implement these; the platform's event-sourced
 * aggregate repository already has this shape.
 */
export interface AggregateStore<State, Event> {
  load(id: string): Promise<{ readonly state: State }>;
  /** Loads, decides and appends in one unit of work; a decision of no events appends nothing. */
  update(id: string, decide: (state: State) => readonly Event[]): Promise<unknown>;
}

/** A store as the mall directory shows it. */
export interface MallStore {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  readonly participating: boolean;
}

/** A product as a store's catalog shows it. */
export interface CatalogProduct {
  readonly id: string;
  readonly storeId: string;
  readonly name: string;
  readonly description: string;
  readonly sku: string;
  readonly priceCents: number;
}

/** The mall: every store, kept up to date from the Store events. */
export interface MallRepository {
  find(storeId: string): Promise<MallStore | undefined>;
  all(): Promise<MallStore[]>;
  allParticipating(): Promise<MallStore[]>;
}

/** The catalog: every product not removed, kept up to date from the Product events. */
export interface CatalogRepository {
  find(productId: string): Promise<CatalogProduct | undefined>;
  catalogOf(storeId: string): Promise<CatalogProduct[]>;
}
