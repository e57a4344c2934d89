import { DomainError } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/recommendations/domain/money.js';
import {
  type AvailabilityGetter,
  nightsBetween,
  type Option,
  Service,
} from '../../src/recommendations/domain/recommendation.js';

const usd = (cents: number) => Money.of(cents, 'USD');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const option = (HotelName: string, cents: number): Option => ({
  HotelName,
  Location: 'London',
  PricePerNight: usd(cents),
});
/** A port that answers these options, and remembers what it was asked. */
const offering = (...options: Option[]) => {
  const asked: unknown[][] = [];
  const getter: AvailabilityGetter = {
    async GetAvailability(...args) {
      asked.push(args);
      return options;
    },
  };
  return { getter, asked };
};
const BOOK = [
  option('some hotel', 30_000),
  option('some other hotel', 3_000),
  option('some third hotel', 9_000),
  option('some fourth hotel', 8_000),
];

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it was not refused');
}

describe('Service.Get: the cheapest trip within the budget', () => {
  it('prices each option for the nights and picks the cheapest within the budget (RS-1)', async () => {
    const { getter, asked } = offering(...BOOK);
    const trip = await new Service(getter).Get(day('2023-01-01'), day('2023-01-04'), 'London', usd(25_000));
    // 3 nights: 90000, 9000, 27000, 24000; within 25000 are 9000 and 24000.
    expect(trip).toEqual({
      TripStart: day('2023-01-01'),
      TripEnd: day('2023-01-04'),
      HotelName: 'some other hotel',
      Location: 'London',
      TripPrice: usd(9_000),
    });
    expect(asked).toEqual([[day('2023-01-01'), day('2023-01-04'), 'London']]);
  });

  it('gives the name, location and price of one and the same option (RS-D1)', async () => {
    const { getter } = offering(
      { HotelName: 'a', Location: 'Here', PricePerNight: usd(10) },
      { HotelName: 'b', Location: 'There', PricePerNight: usd(5) },
      { HotelName: 'c', Location: 'Elsewhere', PricePerNight: usd(7) },
    );
    const trip = await new Service(getter).Get(day('2023-01-01'), day('2023-01-02'), 'Anywhere', usd(100));
    expect([trip.HotelName, trip.Location, trip.TripPrice.Amount()]).toEqual(['b', 'There', 5]);
  });

  it('keeps the first of equal prices, in the partner’s order (RS-6)', async () => {
    const { getter } = offering(option('first', 5_000), option('second', 5_000), option('dearer', 6_000));
    const trip = await new Service(getter).Get(day('2023-01-01'), day('2023-01-03'), 'London', usd(50_000));
    expect(trip.HotelName).toBe('first');
  });

  it('takes a price equal to the budget as within it', async () => {
    const { getter } = offering(option('exact', 5_000));
    const trip = await new Service(getter).Get(day('2023-01-01'), day('2023-01-03'), 'London', usd(10_000));
    expect(trip.TripPrice).toEqual(usd(10_000));
  });

  it('refuses with its own error when nothing fits the budget (RS-3)', async () => {
    const error = await refusal(
      new Service(offering(...BOOK).getter).Get(day('2023-01-01'), day('2023-01-04'), 'London', usd(10)),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'not_found', code: 'no_trips_within_budget' });
    expect(error.message).toBe('no trips within budget');
  });

  it.each([
    ['trip start cannot be empty', new Date(Number.NaN), day('2023-01-04'), 'London'],
    ['trip end cannot be empty', day('2023-01-01'), new Date(Number.NaN), 'London'],
    ['location cannot be empty', day('2023-01-01'), day('2023-01-04'), ' '],
    ['trip end must be at least a night after trip start', day('2023-01-04'), day('2023-01-04'), 'London'],
  ])('refuses "%s" without asking for availability', async (message, start, end, location) => {
    const { getter, asked } = offering(...BOOK);
    const error = await refusal(new Service(getter).Get(start, end, location, usd(25_000)));
    expect(error.message).toBe(message);
    expect(asked).toEqual([]);
  });

  it('says where availability failed, keeping the cause', async () => {
    const cause = new Error('bad request to partnerships: 500');
    const failing: AvailabilityGetter = { GetAvailability: async () => Promise.reject(cause) };
    const error = await refusal(
      new Service(failing).Get(day('2023-01-01'), day('2023-01-04'), 'London', usd(25_000)),
    );
    expect(error.message).toBe('error getting availability: bad request to partnerships: 500');
    expect(error.cause).toBe(cause);
  });

  it('needs a way to get availability', () => {
    expect(() => new Service(undefined as unknown as AvailabilityGetter)).toThrow(
      'availability must not be nil',
    );
  });
});

describe('nights between two dates', () => {
  it('rounds the hours, so a stay across a change of clocks is still whole nights (RS-7)', () => {
    // In Europe the clocks went forward on 2023-03-26: 47 hours of local time are 2 nights.
    expect(nightsBetween(new Date('2023-03-25T00:00:00+00:00'), new Date('2023-03-27T00:00:00+01:00'))).toBe(
      2,
    );
    expect(nightsBetween(day('2023-03-25'), day('2023-03-27'))).toBe(2);
    expect(nightsBetween(day('2023-10-28'), new Date('2023-10-30T00:00:00-01:00'))).toBe(2);
  });
});

describe('Money', () => {
  it('is whole cents with a currency, compared by value, never mixed across currencies', () => {
    expect(usd(3_000).Multiply(3)).toEqual(usd(9_000));
    expect(usd(1).equals(usd(1))).toBe(true);
    expect(Object.isFrozen(usd(1))).toBe(true);
    expect(() => Money.of(1.5, 'USD')).toThrow('whole number of cents');
    expect(() => usd(1).LessThan(Money.of(1, 'EUR'))).toThrow('cannot compare USD with EUR');
  });
});
