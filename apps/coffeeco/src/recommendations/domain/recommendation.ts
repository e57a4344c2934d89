import { invalidArgument, notFound } from '@tessera/platform/ddd';
import type { Money } from './money.js';

/** A hotel a partner offers for the trip, in our words: what it is called, where, and what a night costs. */
export interface Option {
  readonly HotelName: string;
  readonly Location: string;
  readonly PricePerNight: Money;
}

/** The trip CoffeeCo recommends: the hotel of one option, and what the whole stay costs there. */
export interface Recommendation {
  readonly TripStart: Date;
  readonly TripEnd: Date;
  readonly HotelName: string;
  readonly Location: string;
  readonly TripPrice: Money;
}

/**
 * Where the options come from, said in our bounded context's language (MS-4): no partner, no JSON, no HTTP.
 * The partnership adaptor implements it; it rejects with `AvailabilityUnavailable` when none can be had now.
 */
export interface AvailabilityGetter {
  GetAvailability(tripStart: Date, tripEnd: Date, location: string): Promise<readonly Option[]>;
}

/** No availability can be had now (the partner is down, or its breaker is open): a retry later may succeed. */
export class AvailabilityUnavailable extends Error {
  constructor(
    message: string,
    /** When asking again is worth it, in seconds. */
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AvailabilityUnavailable';
  }
}

const HOUR_MS = 3_600_000;

/** Nights between two dates, from the hours between them (RS-7): a 23- or 25-hour day still counts as one. */
export const nightsBetween = (tripStart: Date, tripEnd: Date) =>
  Math.round((tripEnd.getTime() - tripStart.getTime()) / HOUR_MS / 24);

/**
 * The domain service that recommends a trip (the book's `recommendation.Service`): it asks for the options and
 * picks the cheapest stay within the budget. Stateless; the options come through the port.
 */
export class Service {
  constructor(private readonly availability: AvailabilityGetter) {
    if (!availability) throw new Error('availability must not be nil');
  }

  async Get(tripStart: Date, tripEnd: Date, location: string, budget: Money): Promise<Recommendation> {
    if (!isDate(tripStart)) throw invalidArgument('trip_start_empty', 'trip start cannot be empty', 'from');
    if (!isDate(tripEnd)) throw invalidArgument('trip_end_empty', 'trip end cannot be empty', 'to');
    if (location.trim() === '')
      throw invalidArgument('location_empty', 'location cannot be empty', 'location');
    const nights = nightsBetween(tripStart, tripEnd);
    // Not the book's: a trip of no nights has no price, and would be "within" any budget.
    if (nights < 1)
      throw invalidArgument('trip_too_short', 'trip end must be at least a night after trip start', 'to');

    let options: readonly Option[];
    try {
      options = await this.availability.GetAvailability(tripStart, tripEnd, location);
    } catch (error) {
      throw new Error(`error getting availability: ${messageOf(error)}`, { cause: error });
    }

    // The cheapest option within the budget; the first of equal prices (RS-6). Its name, location and price
    // are one option's (RS-D1: the book's Go code took the name of the last one iterated).
    let cheapest: { option: Option; price: Money } | undefined;
    for (const option of options) {
      const price = option.PricePerNight.Multiply(nights);
      if (price.GreaterThan(budget)) continue;
      if (!cheapest || price.LessThan(cheapest.price)) cheapest = { option, price };
    }
    if (!cheapest) throw notFound('no_trips_within_budget', 'no trips within budget');
    return {
      TripStart: tripStart,
      TripEnd: tripEnd,
      HotelName: cheapest.option.HotelName,
      Location: cheapest.option.Location,
      TripPrice: cheapest.price,
    };
  }
}

const isDate = (value: Date | undefined): value is Date =>
  value instanceof Date && !Number.isNaN(value.getTime());

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
