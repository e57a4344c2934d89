import type { Option } from '../domain/recommendation.js';

/** Which availability: a location and the trip's dates. */
export interface AvailabilityQuery {
  readonly location: string;
  readonly tripStart: Date;
  readonly tripEnd: Date;
}

/** The options the partner last gave for a query, and when it gave them. */
export interface RememberedAvailability {
  readonly options: readonly Option[];
  readonly asOf: Date;
}

/**
 * The partner's last good answer for each query (RS-D4): kept where every process of the module finds it, so
 * that a partner that is down costs a stale answer, said to be stale, rather than none.
 */
export interface LastGoodAvailability {
  remember(query: AvailabilityQuery, options: readonly Option[], asOf: Date): Promise<void>;
  recall(query: AvailabilityQuery): Promise<RememberedAvailability | undefined>;
}
