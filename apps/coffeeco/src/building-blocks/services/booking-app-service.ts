import type { UnitOfWork } from '@tessera/platform/ddd';
import type { Ctx } from '../context.js';
import type { Booking } from '../factories/booking.js';
import type { BookingRepository } from '../repositories/booking-repository.js';

/** Where the logged-in customer sits in the context (the book's `accountCtxKey`). */
export const accountCtxKey = Symbol('account');

/** The logged-in customer, as this service needs them: who they are. */
export interface Customer {
  UserID(): string;
}

const isCustomer = (value: unknown): value is Customer =>
  typeof value === 'object' && value !== null && typeof (value as Customer).UserID === 'function';

/** The booking rules (a domain service): a slot the hairdresser has free, and so on. */
export interface BookingDomainService {
  CreateBooking(ctx: Ctx, booking: Booking): Promise<void>;
}

/**
 * The book's application service (SVC-T2, SVC-T4): thin. It holds no booking rule; it checks who is asking
 * (security belongs here), asks the domain service, then saves, both in one transaction it owns, and says
 * which step failed.
 */
export class BookingAppService {
  readonly #bookingRepo: BookingRepository;
  readonly #bookingDomainService: BookingDomainService;
  readonly #unitOfWork: Pick<UnitOfWork, 'transaction'>;

  constructor(
    bookingRepo: BookingRepository,
    bookingDomainService: BookingDomainService,
    unitOfWork: Pick<UnitOfWork, 'transaction'>,
  ) {
    this.#bookingRepo = bookingRepo;
    this.#bookingDomainService = bookingDomainService;
    this.#unitOfWork = unitOfWork;
  }

  async CreateBooking(ctx: Ctx, booking: Booking): Promise<void> {
    const u = ctx.values.get(accountCtxKey);
    if (!isCustomer(u)) throw new Error('invalid customer');
    if (u.UserID() !== booking.UserID()) throw new Error('cannot create booking for other users');
    await this.#unitOfWork.transaction(async () => {
      try {
        await this.#bookingDomainService.CreateBooking(ctx, booking);
      } catch (cause) {
        throw new Error(`could not create booking: ${(cause as Error).message}`, { cause });
      }
      try {
        await this.#bookingRepo.SaveBooking(ctx, booking);
      } catch (cause) {
        throw new Error(`could not save booking: ${(cause as Error).message}`, { cause });
      }
    });
  }
}

export const NewBookingAppService = (
  bookingRepo: BookingRepository,
  bookingDomainService: BookingDomainService,
  unitOfWork: Pick<UnitOfWork, 'transaction'>,
): BookingAppService => new BookingAppService(bookingRepo, bookingDomainService, unitOfWork);
