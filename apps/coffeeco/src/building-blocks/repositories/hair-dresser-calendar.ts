import { type ConsistencyOf, eventual } from '../cap/consistency.js';
import type { Ctx } from '../context.js';

/** A booking as the calendar shows it: the read side's own shape, not the `Booking` entity. */
export interface CalendarEntry {
  readonly bookingID: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The read side of the hairdresser's calendar (REP-T4): a query path of its own beside the aggregate's
 * repository, shaped for the screen that shows a day. It only answers questions: asking changes nothing
 * (CQRS-2).
 */
export interface HairDresserCalendar {
  /** The bookings of a hairdresser starting in [from, to), earliest first. */
  BookingsOf(ctx: Ctx, hairDresserID: string, from: Date, to: Date): Promise<readonly CalendarEntry[]>;
}

export const hairDresserCalendarConsistency: ConsistencyOf<HairDresserCalendar> = {
  BookingsOf: eventual('a day view may lag a booking by a moment; the booking itself is checked on write'),
};
