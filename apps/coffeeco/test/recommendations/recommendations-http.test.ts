import { expectProblem, startTestHost, type TestHost, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresLastGoodAvailability } from '../../src/recommendations/adapters/postgres/last-good-availability.js';
import { Money } from '../../src/recommendations/domain/money.js';
import { createRecommendationsModule } from '../../src/recommendations/module.js';
import { BOOK_HOTELS, FAST, type FakePartner, startFakePartner } from './support.js';

const HOUR_MS = 3_600_000;
const path = (query: Record<string, string>) => `/api/recommendations?${new URLSearchParams(query)}`;
const LONDON = { location: 'London', from: '2023-01-01', to: '2023-01-04', budget: '25000' };

describe.each(testDatabases)('trip recommendations over HTTP on $name', (backend) => {
  let partner: FakePartner;
  let test: TestHost;
  /** How far behind the real time the module's clock runs: a remembered answer's age. */
  let behindMs = 0;

  beforeAll(async () => {
    partner = await startFakePartner();
    test = await startTestHost(backend, [
      createRecommendationsModule({
        partnershipsUrl: partner.url,
        // No breaker in the way here: the partner's outages are what these tests show.
        resilience: { ...FAST, breakerThreshold: 1_000 },
        now: () => new Date(Date.now() - behindMs),
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await test?.close();
    await partner?.close();
  });
  beforeEach(() => {
    partner.calls.length = 0;
    partner.answers({ hotels: BOOK_HOTELS });
    behindMs = 0;
  });

  it('recommends the cheapest hotel within the budget, in cents (RS-1 with RS-D2)', async () => {
    const answer = await test.call('GET', path(LONDON));
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({
      hotelName: 'some other hotel',
      location: 'London',
      tripStart: '2023-01-01',
      tripEnd: '2023-01-04',
      totalCost: { cost: 9000, currency: 'USD' },
      stale: false,
    });
    expect(answer.headers.warning).toBeUndefined();
    expect(partner.calls).toHaveLength(1);
  });

  it.each([
    ['location missing', { ...LONDON, location: undefined }, 'querystring.location'],
    ['location blank', { ...LONDON, location: '  ' }, 'querystring.location'],
    ['from not YYYY-MM-DD', { ...LONDON, from: '2023-1-1' }, 'querystring.from'],
    ['from missing', { ...LONDON, from: undefined }, 'querystring.from'],
    ['to not a date', { ...LONDON, to: '2023-02-30' }, 'querystring.to'],
    ['to before from', { ...LONDON, to: '2022-12-31' }, 'querystring.to'],
    ['to the same day as from', { ...LONDON, to: '2023-01-01' }, 'querystring.to'],
    ['budget not a number', { ...LONDON, budget: 'abc' }, 'querystring.budget'],
    ['budget not whole cents', { ...LONDON, budget: '250.00' }, 'querystring.budget'],
    ['budget missing', { ...LONDON, budget: undefined }, 'querystring.budget'],
  ])(
    'refuses a request with %s, naming the field, without asking the partner (RS-2)',
    async (_what, query, field) => {
      const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
      expectProblem(await test.call('GET', path(given as Record<string, string>)), 400, { field });
      expect(partner.calls).toEqual([]);
    },
  );

  it('answers "no trips within budget" as a 404 of its own, not a server error (RS-3)', async () => {
    expectProblem(await test.call('GET', path({ ...LONDON, budget: '10' })), 404, {
      code: 'no_trips_within_budget',
      detail: 'no trips within budget',
    });
  });

  it('answers from the last good availability, with its age, when the partner is down (RS-D4)', async () => {
    const paris = { location: 'Paris', from: '2023-05-01', to: '2023-05-03', budget: '100000' };
    behindMs = 2 * HOUR_MS; // the partner's answer two hours ago
    const fresh = await test.call('GET', path(paris));
    expect(fresh.statusCode, fresh.body).toBe(200);
    behindMs = 0;
    partner.answers({ status: 500 });
    const stale = await test.call('GET', path(paris));
    expect(stale.statusCode, stale.body).toBe(200);
    expect(stale.json()).toMatchObject({
      hotelName: 'some other hotel',
      totalCost: { cost: 6000, currency: 'USD' },
      availabilityAsOf: fresh.json<{ availabilityAsOf: string }>().availabilityAsOf,
      stale: true,
    });
    expect(Number(stale.headers.age)).toBeGreaterThanOrEqual(2 * 3600);
    expect(stale.headers.warning).toBe('110 - "Response is Stale"');
    // The partner was asked (1 + 10 attempts) before its last answer stood in.
    expect(partner.calls).toHaveLength(1 + 11);
    // Kept in the module's schema, in our words: any process of the module, and the next, finds it.
    const remembered = await postgresLastGoodAvailability(test.db).recall({
      location: 'Paris',
      tripStart: new Date('2023-05-01T00:00:00Z'),
      tripEnd: new Date('2023-05-03T00:00:00Z'),
    });
    expect(remembered?.options[1]).toEqual({
      HotelName: 'some other hotel',
      Location: 'Paris',
      PricePerNight: Money.of(3_000, 'USD'),
    });
  });

  it('answers 503 with Retry-After when the partner is down and nothing is remembered (RS-D4)', async () => {
    partner.answers({ status: 500 });
    const answer = await test.call('GET', path({ ...LONDON, location: 'Rome' }));
    expectProblem(answer, 503, { code: 'partner_unavailable' });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  });
});
