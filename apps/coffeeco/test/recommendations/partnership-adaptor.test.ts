import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { PartnershipAdaptor } from '../../src/recommendations/adapters/partnerships/partnership-adaptor.js';
import { Money } from '../../src/recommendations/domain/money.js';
import { AvailabilityUnavailable } from '../../src/recommendations/domain/recommendation.js';
import { BOOK_HOTELS, FAST, type FakePartner, startFakePartner } from './support.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it was not refused');
}

// The adaptor against a real HTTP server playing the partner: what it asks, what it makes of the answers, and
// how it survives failures (the waits made short by its options; nothing here sleeps).
describe('the partnership adaptor (the anti-corruption layer in front of the hotel partner)', () => {
  let partner: FakePartner;
  let adaptor: PartnershipAdaptor;

  beforeAll(async () => {
    partner = await startFakePartner();
  });
  afterAll(() => partner?.close());
  beforeEach(() => {
    partner.calls.length = 0;
    partner.answers({ hotels: BOOK_HOTELS });
    // A fresh breaker for each test.
    adaptor = new PartnershipAdaptor(() => partner.url, { ...FAST, breakerThreshold: 2 });
  });

  it('asks for the location, URL-encoded, and zero-padded dates, and translates dollars into cents (RS-8, RS-D2, RS-D3)', async () => {
    const options = await adaptor.GetAvailability(day('2023-04-02'), day('2023-04-05'), 'St Ives & Co/Ö');
    expect(partner.calls).toEqual([
      '/partner-api/partnerships?location=St%20Ives%20%26%20Co%2F%C3%96&from=2023-04-02&to=2023-04-05',
    ]);
    expect(options).toEqual(
      BOOK_HOTELS.map((hotel) => ({
        HotelName: hotel.name,
        Location: 'St Ives & Co/Ö',
        PricePerNight: Money.of(hotel.priceInUSDPerNight * 100, 'USD'),
      })),
    );
  });

  it('retries a partner that fails three times, and answers at the fourth call (RS-4)', async () => {
    partner.answers({ status: 500 }, { status: 500 }, { status: 500 }, { hotels: BOOK_HOTELS });
    const options = await adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London');
    expect(options).toHaveLength(4);
    expect(partner.calls).toHaveLength(4);
  });

  it('gives up after 1 + 10 attempts when the partner always fails, saying why (RS-5)', async () => {
    partner.answers({ status: 500 });
    const error = await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(partner.calls).toHaveLength(11);
    expect(error).toBeInstanceOf(AvailabilityUnavailable);
    expect(error.message).toBe('bad request to partnerships: 500');
    expect((error as AvailabilityUnavailable).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('ends an attempt that takes too long, and tries again', async () => {
    partner.answers('hang', { hotels: BOOK_HOTELS });
    const hurried = new PartnershipAdaptor(() => partner.url, { ...FAST, timeoutMs: 50 });
    const options = await hurried.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London');
    expect(options).toHaveLength(4);
    expect(partner.calls).toHaveLength(2);
  });

  it('opens its breaker after calls that failed every attempt, then fails at once without calling', async () => {
    partner.answers({ status: 503 });
    for (let n = 0; n < 2; n++) {
      await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    }
    expect(partner.calls).toHaveLength(22);
    partner.answers({ hotels: BOOK_HOTELS });
    const error = await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(error).toBeInstanceOf(AvailabilityUnavailable);
    expect(error.message).toMatch(/circuit open/);
    // Until the breaker lets a trial through (60 s here): a whole minute, said in seconds.
    expect((error as AvailabilityUnavailable).retryAfterSeconds).toBeGreaterThan(50);
    expect(partner.calls).toHaveLength(22);
  });

  it('lets a trial call through once the breaker has cooled down, and closes on its success', async () => {
    // Only the clock is the test's (cockatiel reads Date.now()); the calls are real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const cooling = new PartnershipAdaptor(() => partner.url, {
        ...FAST,
        maxRetries: 0,
        breakerThreshold: 1,
      });
      const ask = () => cooling.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London');
      partner.answers({ status: 500 }, { hotels: BOOK_HOTELS });
      await refusal(ask());
      vi.setSystemTime(Date.now() + FAST.halfOpenAfterMs - 1_000);
      expect((await refusal(ask())).message).toMatch(/circuit open/);
      vi.setSystemTime(Date.now() + 1_000);
      await expect(ask()).resolves.toHaveLength(4);
      await expect(ask()).resolves.toHaveLength(4);
      expect(partner.calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a refusal: a 4xx is our mistake, not the partner’s outage', async () => {
    partner.answers({ status: 400 });
    const error = await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(error).not.toBeInstanceOf(AvailabilityUnavailable);
    expect(error.message).toBe('bad request to partnerships: 400');
    expect(partner.calls).toHaveLength(1);
  });

  it('says when the answer is not the partner’s language, without retrying', async () => {
    partner.answers({ status: 200, body: '{"hotels":"none"}' });
    const error = await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(error.message).toMatch(/^could not decode the response body of partnerships: /);
    partner.answers({ status: 200, body: 'not json' });
    const garbled = await refusal(adaptor.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(garbled.message).toMatch(/^could not decode the response body of partnerships: /);
    expect(partner.calls).toHaveLength(2);
  });

  it('says it could not call the partner when nothing listens there', async () => {
    const nowhere = new PartnershipAdaptor(() => 'http://127.0.0.1:1/partner-api', {
      ...FAST,
      maxRetries: 1,
    });
    const error = await refusal(nowhere.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(error).toBeInstanceOf(AvailabilityUnavailable);
    expect(error.message).toMatch(/^failed to call partnerships: /);
  });

  it('says the partner cannot be reached when no address is known for it', async () => {
    const unknown = new PartnershipAdaptor(() => undefined, FAST);
    const error = await refusal(unknown.GetAvailability(day('2023-01-01'), day('2023-01-04'), 'London'));
    expect(error).toBeInstanceOf(AvailabilityUnavailable);
    expect(error.message).toMatch(/PARTNERSHIPS_URL/);
  });
});

describe("the partner's language (RS-9)", () => {
  it('is known to the adaptor alone: no other file of the module names availableHotels or priceInUSDPerNight', async () => {
    const root = new URL('../../src/recommendations/', import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((file) => /\.(ts|sql)$/.test(file));
    const speaking: string[] = [];
    for (const file of files) {
      const text = await readFile(new URL(file, root), 'utf8');
      if (/availableHotels|priceInUSDPerNight/.test(text)) speaking.push(file);
    }
    expect(speaking).toEqual(['adapters/partnerships/partnership-adaptor.ts']);
  });
});
