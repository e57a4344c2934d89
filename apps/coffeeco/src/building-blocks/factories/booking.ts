import { DateRange } from '../value-objects/date-range.js';

/** A hairdresser's appointment (the book's calendar): an entity, its id made once by `CreateBooking`. */
export class Booking {
  readonly #id: string;
  readonly #userID: string;
  readonly #period: DateRange;
  readonly #hairDresserID: string;

  /** Callers use the factories: `CreateBooking` (a new booking, with the salon's rules) or `RestoreBooking`. */
  constructor(id: string, userID: string, period: DateRange, hairDresserID: string) {
    this.#id = id;
    this.#userID = userID;
    this.#period = period;
    this.#hairDresserID = hairDresserID;
  }

  ID(): string {
    return this.#id;
  }
  UserID(): string {
    return this.#userID;
  }
  From(): Date {
    return this.#period.From();
  }
  To(): Date {
    return this.#period.To();
  }
  Period(): DateRange {
    return this.#period;
  }
  HairDresserID(): string {
    return this.#hairDresserID;
  }
}

/** Where the salon is and when it closes: the time of day a booking is checked against is the salon's. */
export interface Salon {
  /** An IANA zone, e.g. "Europe/London". */
  readonly timeZone: string;
  /** "HH:MM", 24-hour. */
  readonly closingTime: string;
}

export const DEFAULT_SALON: Salon = { timeZone: 'UTC', closingTime: '17:00' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Milliseconds since the salon's local midnight at `instant`. */
function timeOfDay(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + instant.getUTCMilliseconds();
}

/**
 * The book's booking factory: a new booking, with a fresh id, or an error. No appointment may start after
 * closing time in the salon's own zone: 16:59 and 17:00 itself are taken, 17:01 is not ("no appointments
 * after closing time"). The book's version compares with a closing time that failed to parse, so it refused
 * every booking (Appendix B, B4). A booking must also end after it starts.
 */
export function CreateBooking(
  from: Date,
  to: Date,
  userID: string,
  hairDresserID: string,
  salon: Salon = DEFAULT_SALON,
): Booking {
  if (!UUID.test(userID)) throw new RangeError('userID must be a UUID');
  if (!UUID.test(hairDresserID)) throw new RangeError('hairDresserID must be a UUID');
  const closing = HH_MM.exec(salon.closingTime);
  if (!closing) throw new RangeError(`the closing time must be HH:MM, not ${salon.closingTime}`);
  const period = DateRange.New(from, to);
  const closingTime = (Number(closing[1]) * 60 + Number(closing[2])) * 60_000;
  if (timeOfDay(from, salon.timeZone) > closingTime) throw new Error('no appointments after closing time');
  return new Booking(crypto.randomUUID(), userID, period, hairDresserID);
}

/**
 * A booking as it was stored: a factory too, for reconstitution. It does not apply the creation rules again,
 * so a booking made before the salon changed its hours still loads.
 */
export function RestoreBooking(stored: {
  id: string;
  userID: string;
  from: Date;
  to: Date;
  hairDresserID: string;
}): Booking {
  return new Booking(stored.id, stored.userID, DateRange.New(stored.from, stored.to), stored.hairDresserID);
}
