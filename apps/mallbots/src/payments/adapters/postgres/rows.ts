import { conflict } from '@tessera/platform/ddd';
import { type Queryable, rowOfUuid, versionedRow } from '@tessera/platform/sql';
import type { InvoiceRepository, PaymentRepository } from '../../application/ports.js';
import * as Invoice from '../../domain/invoice.js';
import * as Payment from '../../domain/payment.js';

const changedConcurrently = (what: string) =>
  conflict('concurrent_modification', `the ${what} was changed concurrently; reload it and try again`);

interface PaymentRow {
  customer_id: string;
  amount_cents: number;
  confirmed: boolean;
  order_id: string | null;
  voided: boolean;
  version: number;
}

/** `payments.payments`: one row per authorized payment.. */
export function postgresPaymentRepository(db: Queryable): PaymentRepository {
  return {
    async load(id) {
      const found = await rowOfUuid<PaymentRow>(
        db,
        'SELECT customer_id, amount_cents, confirmed, order_id, voided, version FROM payments.payments WHERE id = $1',
        id,
      );
      return versionedRow(found, Payment.aggregate.initialState, (row) => ({
        exists: true,
        customerId: row.customer_id,
        amountCents: row.amount_cents,
        confirmed: row.confirmed,
        orderId: row.order_id ?? '',
        voided: row.voided,
      }));
    },

    async save(id, state, expectedVersion) {
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(
              `INSERT INTO payments.payments (id, customer_id, amount_cents, confirmed, version)
               VALUES ($1, $2, $3, $4, 1) ON CONFLICT (id) DO NOTHING`,
              [id, state.customerId, state.amountCents, state.confirmed],
            )
          : await db.query(
              `UPDATE payments.payments
               SET confirmed = $2, order_id = $4, voided = $5, version = version + 1, updated_at = now()
               WHERE id = $1 AND version = $3`,
              [id, state.confirmed, expectedVersion, state.orderId || null, state.voided],
            );
      if (rowCount === 0) throw changedConcurrently('payment');
    },
  };
}

interface InvoiceRow {
  order_id: string;
  payment_id: string;
  amount_cents: number;
  status: Invoice.InvoiceStatus;
  version: number;
}

/** `payments.invoices`: one row per ready order. */
export function postgresInvoiceRepository(db: Queryable): InvoiceRepository {
  return {
    async load(id) {
      const found = await rowOfUuid<InvoiceRow>(
        db,
        'SELECT order_id, payment_id, amount_cents, status, version FROM payments.invoices WHERE id = $1',
        id,
      );
      return versionedRow(found, Invoice.aggregate.initialState, (row) => ({
        exists: true,
        orderId: row.order_id,
        paymentId: row.payment_id,
        amountCents: row.amount_cents,
        status: row.status,
      }));
    },

    async save(id, state, expectedVersion) {
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(
              `INSERT INTO payments.invoices (id, order_id, payment_id, amount_cents, status, version)
               VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (id) DO NOTHING`,
              [id, state.orderId, state.paymentId, state.amountCents, state.status],
            )
          : await db.query(
              `UPDATE payments.invoices SET status = $2, version = version + 1, updated_at = now()
               WHERE id = $1 AND version = $3`,
              [id, state.status, expectedVersion],
            );
      if (rowCount === 0) throw changedConcurrently('invoice');
    },
  };
}
