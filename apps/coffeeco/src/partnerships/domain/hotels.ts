/**
 * The partner's own model, in its own words (`availableHotels`, `priceInUSDPerNight`): CoffeeCo's
 * recommendations meet it only through their partnership adaptor, which translates it (RS-9).
 */
export interface AvailableHotel {
  readonly name: string;
  /** Whole US dollars per night, as the partner's field name says (the adaptor converts it to cents). */
  readonly priceInUSDPerNight: number;
}

/** What the partner answers for any location and dates: the four hotels of the book's stub. */
export const availableHotels: readonly AvailableHotel[] = Object.freeze([
  { name: 'some hotel', priceInUSDPerNight: 300 },
  { name: 'some other hotel', priceInUSDPerNight: 30 },
  { name: 'some third hotel', priceInUSDPerNight: 90 },
  { name: 'some fourth hotel', priceInUSDPerNight: 80 },
]);

/**
 * Whether the next call fails, drawn from a seeded sequence so that a run's failures can be replayed: a small
 * mulberry32 generator (not for anything secret; the stub's failures only need to be repeatable).
 */
export function failureSchedule(failureRate: number, seed: number): () => boolean {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => next() < failureRate;
}
