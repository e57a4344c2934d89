import { describe, expect, it } from 'vitest';
import { Background, type Ctx, withValue } from '../../src/building-blocks/context.js';
import { type Booking, CreateBooking } from '../../src/building-blocks/factories/booking.js';
import type { BookingRepository } from '../../src/building-blocks/repositories/booking-repository.js';
import {
  accountCtxKey,
  type BookingDomainService,
  NewBookingAppService,
} from '../../src/building-blocks/services/booking-app-service.js';
import {
  NewCheckoutService,
  Product,
  ShoppingCart,
} from '../../src/building-blocks/services/checkout-service.js';

describe('SVC-T1: the checkout domain service', () => {
  const buyable = (id: number) => new Product(id, true, false);

  it('adds products that can be bought until the cart is full, and marks it full at MaxCartSize', () => {
    const cart = new ShoppingCart(1, 2);
    const checkout = NewCheckoutService(cart);
    checkout.AddProductToBasket(buyable(1));
    expect(cart.IsFull()).toBe(false);
    checkout.AddProductToBasket(buyable(2));
    expect(cart.IsFull()).toBe(true);
    expect(cart.Products().map((p) => p.ID)).toEqual([1, 2]);
  });

  it('refuses a product once the cart is full: "cannot add to cart, its full", never past MaxCartSize', () => {
    const cart = new ShoppingCart(1, 1);
    const checkout = NewCheckoutService(cart);
    checkout.AddProductToBasket(buyable(1));
    expect(() => checkout.AddProductToBasket(buyable(2))).toThrow(new Error('cannot add to cart, its full'));
    expect(cart.Products()).toHaveLength(1);
  });

  it.each([
    ['out of stock', new Product(7, false, false)],
    ['in someone else’s cart', new Product(7, true, true)],
  ])('refuses a product %s, and leaves the cart as it was', (_case, product) => {
    expect(product.CanBeBought()).toBe(false);
    const cart = new ShoppingCart(1, 3);
    const checkout = NewCheckoutService(cart);
    checkout.AddProductToBasket(buyable(1));
    expect(() => checkout.AddProductToBasket(product)).toThrow('the product cannot be bought');
    expect(cart.Products().map((p) => p.ID)).toEqual([1]);
    expect(cart.IsFull()).toBe(false);
  });
});

/** Records every call, in order, with whether it ran inside the service's transaction. */
function bookingFixture(options: { domainFails?: Error; repoFails?: Error } = {}) {
  const calls: string[] = [];
  let inTransaction = false;
  const unitOfWork = {
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      calls.push('begin');
      inTransaction = true;
      try {
        const result = await work();
        calls.push('commit');
        return result;
      } catch (error) {
        calls.push('rollback');
        throw error;
      } finally {
        inTransaction = false;
      }
    },
  };
  const domain: BookingDomainService = {
    async CreateBooking(_ctx, booking) {
      calls.push(`domain.CreateBooking(${booking.ID()})${inTransaction ? ' in tx' : ''}`);
      if (options.domainFails) throw options.domainFails;
    },
  };
  const repo: BookingRepository = {
    async SaveBooking(_ctx, booking) {
      calls.push(`repo.SaveBooking(${booking.ID()})${inTransaction ? ' in tx' : ''}`);
      if (options.repoFails) throw options.repoFails;
    },
    async DeleteBooking() {
      calls.push('repo.DeleteBooking');
    },
  };
  return { calls, service: NewBookingAppService(repo, domain, unitOfWork) };
}

const customer = (userID: string) => ({ UserID: () => userID });
const asCustomer = (userID: string): Ctx => withValue(Background(), accountCtxKey, customer(userID));
const booking = (userID = crypto.randomUUID()): Booking =>
  CreateBooking(
    new Date('2023-05-01T10:00:00Z'),
    new Date('2023-05-01T11:00:00Z'),
    userID,
    crypto.randomUUID(),
  );

describe('SVC-T2: BookingAppService.CreateBooking', () => {
  it('(a) without a customer in the context: "invalid customer", and nothing is called', async () => {
    const { calls, service } = bookingFixture();
    await expect(service.CreateBooking(Background(), booking())).rejects.toThrow(
      new Error('invalid customer'),
    );
    const wrongType = withValue(Background(), accountCtxKey, { userID: 'not a customer' });
    await expect(service.CreateBooking(wrongType, booking())).rejects.toThrow(new Error('invalid customer'));
    expect(calls).toEqual([]);
  });

  it('(b) for another user: "cannot create booking for other users", and nothing is called', async () => {
    const { calls, service } = bookingFixture();
    await expect(service.CreateBooking(asCustomer(crypto.randomUUID()), booking())).rejects.toThrow(
      new Error('cannot create booking for other users'),
    );
    expect(calls).toEqual([]);
  });

  it('(c) when the domain service refuses: "could not create booking: …", and nothing is saved', async () => {
    const { calls, service } = bookingFixture({ domainFails: new Error('the hairdresser is busy') });
    const b = booking();
    const failure = service.CreateBooking(asCustomer(b.UserID()), b);
    await expect(failure).rejects.toThrow(new Error('could not create booking: the hairdresser is busy'));
    await expect(failure).rejects.toHaveProperty('cause', new Error('the hairdresser is busy'));
    expect(calls).toEqual(['begin', `domain.CreateBooking(${b.ID()}) in tx`, 'rollback']);
  });

  it('(d) when the repository fails: "could not save booking: …", and the transaction rolls back', async () => {
    const { calls, service } = bookingFixture({ repoFails: new Error('disk full') });
    const b = booking();
    await expect(service.CreateBooking(asCustomer(b.UserID()), b)).rejects.toThrow(
      new Error('could not save booking: disk full'),
    );
    expect(calls).toEqual([
      'begin',
      `domain.CreateBooking(${b.ID()}) in tx`,
      `repo.SaveBooking(${b.ID()}) in tx`,
      'rollback',
    ]);
  });

  it('(e) the domain service, then the repository, each once, in one transaction', async () => {
    const { calls, service } = bookingFixture();
    const b = booking();
    await expect(service.CreateBooking(asCustomer(b.UserID()), b)).resolves.toBeUndefined();
    expect(calls).toEqual([
      'begin',
      `domain.CreateBooking(${b.ID()}) in tx`,
      `repo.SaveBooking(${b.ID()}) in tx`,
      'commit',
    ]);
  });
});

describe('SVC-T4: an application service authorises, coordinates and owns the transaction, no more', () => {
  it('leaves every booking rule to the domain: a booking the domain accepts is saved whatever it is', async () => {
    // A Sunday at midnight, three hours long: the application service has no opinion; the domain service would.
    const { calls, service } = bookingFixture();
    const b = CreateBooking(
      new Date('2023-05-07T00:00:00Z'),
      new Date('2023-05-07T03:00:00Z'),
      crypto.randomUUID(),
      crypto.randomUUID(),
    );
    await service.CreateBooking(asCustomer(b.UserID()), b);
    expect(calls).toContain(`repo.SaveBooking(${b.ID()}) in tx`);
  });

  it('exposes one command, returning nothing', () => {
    const { service } = bookingFixture();
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(service)).filter(
      (n) => n !== 'constructor',
    );
    expect(methods).toEqual(['CreateBooking']);
  });
});
