import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateRange } from '../../src/building-blocks/value-objects/date-range.js';
import { Money } from '../../src/building-blocks/value-objects/money.js';
import {
  DirectionEast,
  DirectionNorth,
  DirectionSouth,
  DirectionUnknown,
  DirectionWest,
  Move,
  NewPoint,
  TrackPlayer,
} from '../../src/building-blocks/value-objects/point.js';

describe('VO-T1, VO-T4: equal by value', () => {
  it('NewPoint(1,1) equals NewPoint(1,1): two instances, one value (the book’s Test_Point)', () => {
    const a = NewPoint(1, 1);
    const b = NewPoint(1, 1);
    expect(a).not.toBe(b);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(NewPoint(1, 2))).toBe(false);
  });

  it('compares every component, for any coordinates', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer(), fc.integer(), (x1, y1, x2, y2) => {
        expect(NewPoint(x1, y1).equals(NewPoint(x2, y2))).toBe(x1 === x2 && y1 === y2);
      }),
    );
  });

  it('money: the same amount in the same currency, and only then', () => {
    expect(Money.New(3300, 'USD').equals(Money.New(3300n, 'USD'))).toBe(true);
    expect(Money.New(3300, 'USD').equals(Money.New(3300, 'EUR'))).toBe(false);
    expect(Money.New(3300, 'USD').equals(Money.New(3301, 'USD'))).toBe(false);
  });
});

describe('VO-T2: immutable', () => {
  it('is frozen, with no setter and no writable field', () => {
    const p = NewPoint(3, 4);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(Money.New(1, 'USD'))).toBe(true);
    expect(() => {
      (p as unknown as Record<string, number>).x = 9;
    }).toThrow(TypeError);
    // @ts-expect-error the coordinates are private
    p.x;
    expect(p.X()).toBe(3);
  });

  it('moving answers a new point and leaves the old one as it was', () => {
    const here = NewPoint(3, 4);
    const there = Move(here, DirectionNorth);
    expect(there).not.toBe(here);
    expect(here.equals(NewPoint(3, 4))).toBe(true);
  });

  it('money operations answer new money', () => {
    const price = Money.New(250, 'USD');
    const doubled = price.Multiply(2);
    const more = price.Add(Money.New(50, 'USD'));
    expect([price.Amount(), doubled.Amount(), more.Amount()]).toEqual([250n, 500n, 300n]);
  });
});

describe('VO-T3: Move', () => {
  it.each([
    [DirectionNorth, NewPoint(3, 5)],
    [DirectionSouth, NewPoint(3, 3)],
    [DirectionEast, NewPoint(4, 4)],
    // The book answers (2, 3): (x-1, x).
    [DirectionWest, NewPoint(2, 4)],
  ])('direction %i from (3,4) goes to %s', (direction, expected) => {
    expect(Move(NewPoint(3, 4), direction).equals(expected)).toBe(true);
  });

  it('an unknown direction leaves the point where it is', () => {
    const p = NewPoint(3, 4);
    expect(Move(p, DirectionUnknown)).toBe(p);
    expect(Move(p, 42).equals(p)).toBe(true);
  });

  it('tracks a player by replacing the location, move after move', () => {
    expect(
      TrackPlayer([DirectionNorth, DirectionNorth, DirectionWest, DirectionSouth]).equals(NewPoint(-1, 1)),
    ).toBe(true);
  });
});

describe('VO-T5: what only measures or describes is a value', () => {
  it('money is minor units, never a float', () => {
    expect(() => Money.New(29.7, 'USD')).toThrow('whole number of minor units');
    expect(() => Money.New(1, 'usd')).toThrow('ISO 4217');
    expect(Money.New(2970, 'USD').toString()).toBe('USD 2970');
  });

  it('money refuses to mix currencies', () => {
    expect(() => Money.New(1, 'USD').Add(Money.New(1, 'EUR'))).toThrow("currencies don't match");
    expect(() => Money.New(1, 'USD').GreaterThan(Money.New(1, 'EUR'))).toThrow("currencies don't match");
    expect(Money.New(2, 'USD').GreaterThan(Money.New(1, 'USD'))).toBe(true);
    expect(Money.New(1, 'USD').LessThan(Money.New(2, 'USD'))).toBe(true);
    expect(Money.Zero('USD').IsZero()).toBe(true);
  });

  it('a booking’s from/to is a date range: equal by value, checked once, immutable', () => {
    const from = new Date('2023-05-01T09:00:00Z');
    const to = new Date('2023-05-01T10:00:00Z');
    const range = DateRange.New(from, to);
    expect(range.equals(DateRange.New(new Date(from), new Date(to)))).toBe(true);
    expect(range.Duration()).toBe(3_600_000);
    from.setUTCFullYear(1999);
    expect(range.From().toISOString()).toBe('2023-05-01T09:00:00.000Z');
    expect(() => DateRange.New(to, to)).toThrow('a date range must end after it starts');
    expect(
      range.Overlaps(DateRange.New(new Date('2023-05-01T09:30:00Z'), new Date('2023-05-01T11:00:00Z'))),
    ).toBe(true);
    expect(range.Overlaps(DateRange.New(to, new Date('2023-05-01T11:00:00Z')))).toBe(false);
  });
});
