import { describe, expect, it } from 'vitest';
import { CreateBooking } from '../../src/building-blocks/factories/booking.js';
import { BMW, BuildCar, Tesla } from '../../src/building-blocks/factories/car.js';

const user = crypto.randomUUID();
const hairDresser = crypto.randomUUID();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('FAC-T1: BuildCar', () => {
  it('builds a BMW with its heated seats subscribed', () => {
    const car = BuildCar('bmw');
    expect(car).toBeInstanceOf(BMW);
    expect((car as BMW).heatedSeatSubscriptionEnabled).toBe(true);
  });

  it('builds a Tesla with its autopilot on', () => {
    const car = BuildCar('tesla');
    expect(car).toBeInstanceOf(Tesla);
    expect((car as Tesla).autoPilotEnabled).toBe(true);
  });

  it('refuses anything else with "unknown car type"', () => {
    expect(() => BuildCar('x')).toThrow(new Error('unknown car type'));
    expect(() => BuildCar('BMW')).toThrow(new Error('unknown car type'));
  });
});

describe('FAC-T2: CreateBooking and the salon’s closing time', () => {
  const at = (time: string, timeZone = 'UTC') =>
    CreateBooking(new Date(time), new Date(new Date(time).getTime() + 30 * 60_000), user, hairDresser, {
      timeZone,
      closingTime: '17:00',
    });

  it('accepts 16:59 and 17:00 itself', () => {
    expect(at('2023-05-01T16:59:00Z').From().toISOString()).toBe('2023-05-01T16:59:00.000Z');
    expect(at('2023-05-01T17:00:00Z').From().toISOString()).toBe('2023-05-01T17:00:00.000Z');
  });

  it('refuses 17:01, and even 17:00:00.001, with "no appointments after closing time"', () => {
    expect(() => at('2023-05-01T17:01:00Z')).toThrow(new Error('no appointments after closing time'));
    expect(() => at('2023-05-01T17:00:00.001Z')).toThrow(new Error('no appointments after closing time'));
  });

  it('compares the time of day in the salon’s own zone', () => {
    // 16:30 UTC is 17:30 in London in summer: too late there; 15:30 UTC is 16:30 there: fine.
    expect(() => at('2023-07-01T16:30:00Z', 'Europe/London')).toThrow('no appointments after closing time');
    expect(at('2023-07-01T15:30:00Z', 'Europe/London').UserID()).toBe(user);
    // The same instant in winter is 16:30 in London.
    expect(at('2023-01-10T16:30:00Z', 'Europe/London').UserID()).toBe(user);
  });

  it('refuses a booking that does not end after it starts', () => {
    const from = new Date('2023-05-01T10:00:00Z');
    expect(() => CreateBooking(from, from, user, hairDresser)).toThrow(
      'a date range must end after it starts',
    );
  });

  it('refuses ids that are not UUIDs', () => {
    const from = new Date('2023-05-01T10:00:00Z');
    const to = new Date('2023-05-01T11:00:00Z');
    expect(() => CreateBooking(from, to, 'bob', hairDresser)).toThrow('userID must be a UUID');
    expect(() => CreateBooking(from, to, user, '')).toThrow('hairDresserID must be a UUID');
  });
});

describe('FAC-T3: a factory only creates', () => {
  it('gives every booking a fresh UUID of its own', () => {
    const from = new Date('2023-05-01T10:00:00Z');
    const to = new Date('2023-05-01T11:00:00Z');
    const a = CreateBooking(from, to, user, hairDresser);
    const b = CreateBooking(from, to, user, hairDresser);
    expect(a.ID()).toMatch(UUID);
    expect(b.ID()).toMatch(UUID);
    expect(a.ID()).not.toBe(b.ID());
  });

  it('does no I/O: it is synchronous, and runs here where sockets and processes are refused', () => {
    const result = CreateBooking(
      new Date('2023-05-01T10:00:00Z'),
      new Date('2023-05-01T11:00:00Z'),
      user,
      hairDresser,
    );
    expect(result).not.toBeInstanceOf(Promise);
    expect(BuildCar('bmw')).not.toBeInstanceOf(Promise);
  });
});
