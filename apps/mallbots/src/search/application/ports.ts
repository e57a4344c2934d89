import type { Page, PageRequest } from '@tessera/platform/ddd';
import type {
  OrderStatus,
  PlacedItem,
  SearchEventData,
  SearchEventType,
  UnavailableItem,
} from '../domain/events.js';
import type { Tracking, TrackingStatus } from '../domain/tracking.js';

/** One event Search records, with a stable id (derived from the message it came from). */
export type SearchEvent = {
  [Type in SearchEventType]: {
    readonly id: string;
    readonly type: Type;
    readonly data: SearchEventData<Type>;
  };
}[SearchEventType];

/** Search's own event store: what it was told, stream by stream. */
export interface SearchJournal {
  /**
   * In the handling's transaction. `readBack`: a `has` later in the same transaction must see it (a broker
   * may handle several messages in one); otherwise the events may be written with the COMMIT.
   */
  record(stream: string, events: readonly SearchEvent[], options?: { readBack?: boolean }): Promise<void>;
  /** True once anything was recorded on the stream. */
  has(stream: string): Promise<boolean>;
}

/**
 * Customers, asked for a name Search has not been told (a customer who registered before Search existed).
 * Undefined when Customers does not know the id; throws when it cannot answer (the message is retried).
 */
export interface CustomerNames {
  nameOf(customerId: string): Promise<string | undefined>;
}

/** An order as search shows it. Money in whole cents. */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  /** Empty while Search knows no name for the customer. */
  readonly customerName: string;
  readonly items: readonly PlacedItem[];
  readonly totalCents: number;
  readonly status: OrderStatus;
  readonly unavailableItems: readonly UnavailableItem[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface OrderFilters {
  readonly customerId?: string;
  /** Placed at or after. */
  readonly after?: Date;
  /** Placed strictly before. */
  readonly before?: Date;
  /** Orders with an item of any of these stores. */
  readonly storeIds?: readonly string[];
  /** Orders with any of these products. */
  readonly productIds?: readonly string[];
  readonly minTotalCents?: number;
  readonly maxTotalCents?: number;
  readonly status?: OrderStatus;
}

/** Where a page ends: the last order's (created_at, order_id), newest first. */
export interface Keyset {
  /** created_at as PostgreSQL's exact text (microseconds), not a JS Date (milliseconds). */
  readonly createdAt: string;
  readonly orderId: string;
}

export interface OrderPage {
  readonly orders: readonly OrderView[];
  /** Present when more orders match after this page. */
  readonly next?: Keyset;
}

export interface OrderSearch {
  /** Newest first (created_at, then order_id, descending), after `from`, at most `limit`. */
  search(filters: OrderFilters, from: Keyset | undefined, limit: number): Promise<OrderPage>;
  find(orderId: string): Promise<OrderView | undefined>;
}

/** An order as its customer (and the depot's board) watches it, where it is in the feed, and since when. */
export interface OrderTrackingView extends Tracking {
  /** Empty while Search knows no name for the customer. */
  readonly customerName: string;
  /** The position of the last event that changed it: a live feed's event id. */
  readonly position: number;
  readonly updatedAt: Date;
}

/** What a list or a look-up shows, and the position of the read model it was read at (ADR 0029). */
export interface AsOf<T> {
  readonly value: T;
  readonly position: number;
  /** The read model is being rebuilt by replay: possibly incomplete, and stale. */
  readonly rebuilding: boolean;
}

export interface TrackingFilter {
  readonly customerId?: string;
  /** Lists: orders in this status now. Live feeds: orders that were ever in it (one leaving it is told). */
  readonly status?: TrackingStatus;
}

export interface OrderTrackings {
  /** Newest placed first, by keyset (`after`: the last order's placed time as exact text, and its id). */
  list(filter: TrackingFilter, page: PageRequest): Promise<AsOf<Page<OrderTrackingView>>>;
  find(orderId: string): Promise<AsOf<OrderTrackingView | undefined>>;
  /** The orders changed after `position`, in increasing position, at most `limit`. */
  changedAfter(filter: TrackingFilter, position: number, limit: number): Promise<OrderTrackingView[]>;
  /** The position the read model has reached. */
  position(): Promise<number>;
}
