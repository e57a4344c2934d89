import { describe, expect, it } from 'vitest';
import { AnemicAuction } from '../../src/building-blocks/entities/anemic-auction.js';
import { AuctionRefactored, NewAuctionRefactored } from '../../src/building-blocks/entities/auction.js';
import { NewSomeEntity, SomeEntity } from '../../src/building-blocks/entities/some-entity.js';
import { CreateBooking } from '../../src/building-blocks/factories/booking.js';
import { bookingRow } from '../../src/building-blocks/repositories/adapters/postgres-booking-repository.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const twoHourAuction = () =>
  NewAuctionRefactored({
    startingPrice: Money.New(10_00, 'USD'),
    sellerID: crypto.randomUUID(),
    createdAt: new Date('2023-05-01T08:00:00Z'),
    auctionStart: new Date('2023-05-01T10:00:00Z'),
    auctionEnd: new Date('2023-05-01T12:00:00Z'),
  });

describe('ENT-T1: an auction’s elapsed duration', () => {
  it('is end minus start: two hours for a two-hour auction, not the book’s −2h', () => {
    expect(twoHourAuction().GetAuctionElapsedDuration()).toBe(2 * 60 * 60 * 1000);
  });

  it('is zero for an auction that ends as it starts, and never negative when the end is not before the start', () => {
    const auction = twoHourAuction();
    auction.SetAuctionEnd('2023-05-01T10:00:00Z');
    expect(auction.GetAuctionElapsedDuration()).toBe(0);
  });
});

describe('ENT-T2: the auction’s times are set in UTC only', () => {
  it('takes an instant in Z or +00:00', () => {
    const auction = twoHourAuction();
    auction.SetAuctionEnd('2023-05-01T15:30:00.250Z');
    auction.SetAuctionStartTimeInUTC('2023-05-01T11:00:00+00:00');
    expect(auction.GetAuctionEndTimeInUTC().toISOString()).toBe('2023-05-01T15:30:00.250Z');
    expect(auction.GetAuctionStartTimeInUTC().toISOString()).toBe('2023-05-01T11:00:00.000Z');
  });

  it.each([
    ['another offset', '2023-05-01T15:30:00+02:00'],
    ['a negative zero offset', '2023-05-01T15:30:00-00:00'],
    ['no zone at all', '2023-05-01T15:30:00'],
    ['a date only', '2023-05-01'],
  ])('refuses %s with "time zone must be UTC", changing nothing', (_case, instant) => {
    const auction = twoHourAuction();
    expect(() => auction.SetAuctionEnd(instant)).toThrow(new Error('time zone must be UTC'));
    expect(() => auction.SetAuctionStartTimeInUTC(instant)).toThrow(new Error('time zone must be UTC'));
    expect(auction.GetAuctionEndTimeInUTC().toISOString()).toBe('2023-05-01T12:00:00.000Z');
    expect(auction.GetAuctionStartTimeInUTC().toISOString()).toBe('2023-05-01T10:00:00.000Z');
  });

  it('refuses a UTC text that is no real instant (February 30th)', () => {
    const auction = twoHourAuction();
    expect(() => auction.SetAuctionEnd('2023-02-30T10:00:00Z')).toThrow('is not a valid instant');
    expect(auction.GetAuctionEndTimeInUTC().toISOString()).toBe('2023-05-01T12:00:00.000Z');
  });

  it('hands out copies of its times: changing a returned Date changes nothing in the auction', () => {
    const auction = twoHourAuction();
    auction.GetAuctionEndTimeInUTC().setUTCFullYear(1999);
    expect(auction.GetAuctionEndTimeInUTC().toISOString()).toBe('2023-05-01T12:00:00.000Z');
  });
});

describe('ENT-T3: identity, made once, never changes; behaviour, not a setter per field', () => {
  it('gives each new entity a fresh UUID', () => {
    const ids = new Set(Array.from({ length: 50 }, () => NewSomeEntity().ID()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(twoHourAuction().GetId()).toMatch(UUID);
  });

  it('keeps its identity through every change of its attributes', () => {
    const auction = twoHourAuction();
    const id = auction.GetId();
    auction.SetAuctionStartTimeInUTC('2023-05-01T09:00:00Z');
    auction.SetAuctionEnd('2023-05-02T09:00:00Z');
    expect(auction.GetId()).toBe(id);
  });

  it('is the same entity when the identity is, whatever else differs', () => {
    const id = crypto.randomUUID();
    expect(new SomeEntity(id).equals(new SomeEntity(id))).toBe(true);
    expect(NewSomeEntity().equals(NewSomeEntity())).toBe(false);
  });

  it('offers no way to change the identity (checked by the compiler)', () => {
    const entity = NewSomeEntity();
    // @ts-expect-error an entity's identity has no setter
    entity.SetID?.('another');
    const auction = twoHourAuction();
    // @ts-expect-error nor does the auction's
    auction.SetId?.('another');
    expect(entity.ID()).not.toBe('another');
  });

  it('the refactored auction has no setter for its price or seller, unlike the anemic one (ENT-4)', () => {
    const setters = (type: object) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(type)).filter((name) => name.startsWith('Set'));
    const anemic = new AnemicAuction({
      id: 1,
      startingPrice: Money.New(1, 'USD'),
      sellerID: 2,
      createdAt: new Date(),
      auctionStart: new Date(),
      auctionEnd: new Date(),
    });
    expect(setters(anemic)).toEqual([
      'SetStartingPrice',
      'SetSellerID',
      'SetCreatedAt',
      'SetAuctionStart',
      'SetAuctionEnd',
    ]);
    // Two intent-revealing changes, each keeping the UTC rule.
    expect(setters(twoHourAuction())).toEqual(['SetAuctionEnd', 'SetAuctionStartTimeInUTC']);
    expect(twoHourAuction()).toBeInstanceOf(AuctionRefactored);
  });
});

describe('ENT-T4: a persistence row is a type of its own, with mappers both ways', () => {
  it('maps a booking to its row (snake_case, the table’s words) and back to an equal booking', () => {
    const booking = CreateBooking(
      new Date('2023-05-01T09:00:00Z'),
      new Date('2023-05-01T10:00:00Z'),
      crypto.randomUUID(),
      crypto.randomUUID(),
    );
    const row = bookingRow.fromDomain(booking);
    expect(row).toEqual({
      id: booking.ID(),
      user_id: booking.UserID(),
      from: new Date('2023-05-01T09:00:00Z'),
      to: new Date('2023-05-01T10:00:00Z'),
      hair_dresser_id: booking.HairDresserID(),
    });
    const back = bookingRow.toDomain(row);
    expect(back.ID()).toBe(booking.ID());
    expect(back.UserID()).toBe(booking.UserID());
    expect(back.HairDresserID()).toBe(booking.HairDresserID());
    expect(back.Period().equals(booking.Period())).toBe(true);
  });
});
