import type { Ctx } from '../context.js';
import type { Money } from '../value-objects/money.js';
import type { OrderService, PaymentService } from './steps.js';

/**
 * In-memory ordering and payments for the saga's examples: each operation is idempotent by its id, which is
 * what makes a compensation safe to retry (SAGA-T5). `failNext` makes the next call of an operation fail.
 */
export class InMemoryOrders implements OrderService {
  readonly #orders = new Map<string, 'created' | 'canceled'>();
  readonly #failing = new Set<'CreateOrder' | 'CancelOrder'>();

  failNext(operation: 'CreateOrder' | 'CancelOrder'): void {
    this.#failing.add(operation);
  }

  StatusOf(orderID: string): 'created' | 'canceled' | undefined {
    return this.#orders.get(orderID);
  }

  async CreateOrder(_ctx: Ctx, orderID: string): Promise<void> {
    this.#fail('CreateOrder');
    if (!this.#orders.has(orderID)) this.#orders.set(orderID, 'created');
  }

  async CancelOrder(_ctx: Ctx, orderID: string): Promise<void> {
    this.#fail('CancelOrder');
    if (this.#orders.has(orderID)) this.#orders.set(orderID, 'canceled');
  }

  #fail(operation: 'CreateOrder' | 'CancelOrder'): void {
    if (this.#failing.delete(operation)) throw new Error(`${operation} failed`);
  }
}

export interface LedgerEntry {
  readonly paymentID: string;
  readonly kind: 'payment' | 'refund';
  readonly amount: Money;
}

export class InMemoryPayments implements PaymentService {
  readonly #entries: LedgerEntry[] = [];
  readonly #failing = new Set<'CreatePayment' | 'RefundPayment'>();

  failNext(operation: 'CreatePayment' | 'RefundPayment'): void {
    this.#failing.add(operation);
  }

  Ledger(): readonly LedgerEntry[] {
    return [...this.#entries];
  }

  async CreatePayment(_ctx: Ctx, paymentID: string, amount: Money): Promise<void> {
    this.#fail('CreatePayment');
    if (!this.#find(paymentID, 'payment')) this.#entries.push({ paymentID, kind: 'payment', amount });
  }

  async RefundPayment(_ctx: Ctx, paymentID: string): Promise<void> {
    this.#fail('RefundPayment');
    const payment = this.#find(paymentID, 'payment');
    if (payment && !this.#find(paymentID, 'refund')) {
      this.#entries.push({ paymentID, kind: 'refund', amount: payment.amount });
    }
  }

  #find(paymentID: string, kind: LedgerEntry['kind']): LedgerEntry | undefined {
    return this.#entries.find((entry) => entry.paymentID === paymentID && entry.kind === kind);
  }

  #fail(operation: 'CreatePayment' | 'RefundPayment'): void {
    if (this.#failing.delete(operation)) throw new Error(`${operation} failed`);
  }
}
