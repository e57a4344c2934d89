import type { Money } from '../domain/money.js';
import {
  type AvailabilityGetter,
  AvailabilityUnavailable,
  type Option,
  type Recommendation,
  Service,
} from '../domain/recommendation.js';
import type { LastGoodAvailability } from './ports.js';

export interface TripQuery {
  readonly location: string;
  readonly tripStart: Date;
  readonly tripEnd: Date;
  readonly budget: Money;
}

/** A recommendation, and how old the availability it rests on is. */
export interface TripRecommendation {
  readonly recommendation: Recommendation;
  /** When the partner gave the options: now, or earlier when its last good answer stood in for it. */
  readonly availabilityAsOf: Date;
  /** The partner could not answer now: the options are its last good answer (RS-D4). */
  readonly stale: boolean;
}

/**
 * The application service of trip recommendations: it coordinates the partner, the memory of its last good
 * answers and the domain service, and holds no rule of its own. The partner's answer is remembered; when the
 * partner cannot answer, the remembered one stands in, said to be stale; when there is none, the partner's
 * unavailability is the answer (a 503 with Retry-After at the edge).
 */
export function tripRecommendations(deps: {
  partner: AvailabilityGetter;
  lastGood: LastGoodAvailability;
  now: () => Date;
}) {
  return {
    async recommend(query: TripQuery): Promise<TripRecommendation> {
      const asked = deps.now();
      let asOf = asked;
      const availability: AvailabilityGetter = {
        async GetAvailability(tripStart, tripEnd, location): Promise<readonly Option[]> {
          const key = { location, tripStart, tripEnd };
          try {
            const options = await deps.partner.GetAvailability(tripStart, tripEnd, location);
            await deps.lastGood.remember(key, options, asked);
            return options;
          } catch (error) {
            if (!(error instanceof AvailabilityUnavailable)) throw error;
            const remembered = await deps.lastGood.recall(key);
            if (!remembered) throw error;
            asOf = remembered.asOf;
            return remembered.options;
          }
        },
      };
      const recommendation = await new Service(availability).Get(
        query.tripStart,
        query.tripEnd,
        query.location,
        query.budget,
      );
      return { recommendation, availabilityAsOf: asOf, stale: asOf < asked };
    },
  };
}

export type TripRecommendations = ReturnType<typeof tripRecommendations>;

/** The partner's unavailability behind an error the domain service wrapped, if that is what it is. */
export function unavailabilityIn(error: unknown): AvailabilityUnavailable | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof AvailabilityUnavailable) return cause;
  }
  return undefined;
}
