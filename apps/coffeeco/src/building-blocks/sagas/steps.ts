import type { Ctx } from '../context.js';
import type { Money } from '../value-objects/money.js';
import type { Saga } from './saga.js';

/** The ordering context, as the saga's first step calls it. Both operations are idempotent by order id. */
export interface OrderService {
  /** Creates the order, or does nothing if it exists. */
  CreateOrder(ctx: Ctx, orderID: string): Promise<void>;
  /** Cancels the order; nothing if it is canceled already or was never created. */
  CancelOrder(ctx: Ctx, orderID: string): Promise<void>;
}

/** The payments context, as the saga's second step calls it. Both operations are idempotent by payment id. */
export interface PaymentService {
  /** Takes the payment, or does nothing if it was taken. */
  CreatePayment(ctx: Ctx, paymentID: string, amount: Money): Promise<void>;
  /** Refunds it; nothing if it is refunded already or was never taken. */
  RefundPayment(ctx: Ctx, paymentID: string): Promise<void>;
}

/** The book's `OrderCreator`: creates the order; its compensation cancels it. */
export class OrderCreator implements Saga {
  constructor(
    readonly orders: OrderService,
    readonly orderID: string,
  ) {}

  Execute(ctx: Ctx): Promise<void> {
    return this.orders.CreateOrder(ctx, this.orderID);
  }

  Rollback(ctx: Ctx): Promise<void> {
    return this.orders.CancelOrder(ctx, this.orderID);
  }
}

/** The book's `PaymentCreator`: takes the payment; its compensation refunds it. */
export class PaymentCreator implements Saga {
  constructor(
    readonly payments: PaymentService,
    readonly paymentID: string,
    readonly amount: Money,
  ) {}

  Execute(ctx: Ctx): Promise<void> {
    return this.payments.CreatePayment(ctx, this.paymentID, this.amount);
  }

  Rollback(ctx: Ctx): Promise<void> {
    return this.payments.RefundPayment(ctx, this.paymentID);
  }
}
