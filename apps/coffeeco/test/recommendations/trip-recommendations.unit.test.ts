import { describe, expect, it } from 'vitest';
import type {
  AvailabilityQuery,
  LastGoodAvailability,
  RememberedAvailability,
} from '../../src/recommendations/application/ports.js';
import {
  tripRecommendations,
  unavailabilityIn,
} from '../../src/recommendations/application/trip-recommendations.js';
import { Money } from '../../src/recommendations/domain/money.js';
import {
  type AvailabilityGetter,
  AvailabilityUnavailable,
  type Option,
} from '../../src/recommendations/domain/recommendation.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const NOW = new Date('2024-06-01T12:00:00Z');
const EARLIER = new Date('2024-06-01T09:00:00Z');
const TRIP = {
  location: 'London',
  tripStart: day('2023-01-01'),
  tripEnd: day('2023-01-04'),
  budget: Money.of(25_000, 'USD'),
};
const HOTELS: Option[] = [
  { HotelName: 'dear', Location: 'London', PricePerNight: Money.of(9_000, 'USD') },
  { HotelName: 'cheap', Location: 'London', PricePerNight: Money.of(3_000, 'USD') },
];

/** The memory in a map, keyed as the table is. */
function memory(): LastGoodAvailability & { kept: Map<string, RememberedAvailability> } {
  const kept = new Map<string, RememberedAvailability>();
  const key = (query: AvailabilityQuery) =>
    `${query.location}|${query.tripStart.toISOString()}|${query.tripEnd.toISOString()}`;
  return {
    kept,
    async remember(query, options, asOf) {
      kept.set(key(query), { options, asOf });
    },
    async recall(query) {
      return kept.get(key(query));
    },
  };
}

const partnerThat = (answer: () => Promise<readonly Option[]>): AvailabilityGetter => ({
  GetAvailability: answer,
});
const down = (retryAfterSeconds = 7) =>
  partnerThat(async () => {
    throw new AvailabilityUnavailable('bad request to partnerships: 500', retryAfterSeconds);
  });

describe('the trip recommendations application service', () => {
  it('recommends from the partner’s answer, fresh, and remembers it', async () => {
    const lastGood = memory();
    const trips = tripRecommendations({ partner: partnerThat(async () => HOTELS), lastGood, now: () => NOW });
    const answer = await trips.recommend(TRIP);
    expect(answer).toMatchObject({ stale: false, availabilityAsOf: NOW });
    expect(answer.recommendation.HotelName).toBe('cheap');
    expect([...lastGood.kept.values()]).toEqual([{ options: HOTELS, asOf: NOW }]);
  });

  it('lets the last good answer stand in when the partner is down, saying how old it is (RS-D4)', async () => {
    const lastGood = memory();
    await lastGood.remember(TRIP, HOTELS, EARLIER);
    const trips = tripRecommendations({ partner: down(), lastGood, now: () => NOW });
    const answer = await trips.recommend(TRIP);
    expect(answer).toMatchObject({ stale: true, availabilityAsOf: EARLIER });
    expect(answer.recommendation.TripPrice).toEqual(Money.of(9_000, 'USD'));
  });

  it('passes the partner’s unavailability on when nothing is remembered, with when to ask again', async () => {
    const trips = tripRecommendations({ partner: down(7), lastGood: memory(), now: () => NOW });
    const error = await trips.recommend(TRIP).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('error getting availability: bad request to partnerships: 500');
    expect(unavailabilityIn(error)?.retryAfterSeconds).toBe(7);
  });

  it('does not hide a failure that is not an outage behind a remembered answer', async () => {
    const lastGood = memory();
    await lastGood.remember(TRIP, HOTELS, EARLIER);
    const refusing = partnerThat(async () => {
      throw new Error('bad request to partnerships: 400');
    });
    const error = await tripRecommendations({ partner: refusing, lastGood, now: () => NOW })
      .recommend(TRIP)
      .catch((thrown: unknown) => thrown);
    expect((error as Error).message).toBe('error getting availability: bad request to partnerships: 400');
    expect(unavailabilityIn(error)).toBeUndefined();
  });
});
