import { conflict } from '@tessera/platform/ddd';
import { type NewMessage, type Publisher, publishSaveMessages } from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import type { Ctx } from '../../context.js';
import { Money } from '../../value-objects/money.js';
import { type Order, type OrderEvent, type OrderStatus, RestoreOrder } from '../order.js';
import type { OrderRepository } from '../order-repository.js';

/** Where the orders' events go: the channel of the building blocks' example orders. */
export const ORDER_EVENTS_CHANNEL = 'coffeeco.building-blocks.events.Order';

interface OrderRow {
  readonly id: string;
  readonly customer_id: string;
  readonly payment_card_id: string;
  readonly currency: string;
  readonly tax_amount: number | string;
  readonly discount: number | string;
  readonly status: OrderStatus;
  readonly version: number;
}

interface ItemRow {
  readonly line: number;
  readonly name: string;
  readonly quantity: number;
  readonly price: number | string;
}

/** The rows of an order and the order, mapped both ways here and nowhere else (ENT-T4). */
const orderRows = {
  toDomain: (row: OrderRow, items: readonly ItemRow[]): Order =>
    RestoreOrder({
      id: row.id,
      customerID: row.customer_id,
      paymentCardID: row.payment_card_id,
      items: items.map((item) => ({
        name: item.name,
        quantity: item.quantity,
        price: Money.New(BigInt(item.price), row.currency),
      })),
      taxAmount: Money.New(BigInt(row.tax_amount), row.currency),
      discount: Money.New(BigInt(row.discount), row.currency),
      status: row.status,
      version: row.version,
    }),
};

const money = (amount: Money) => ({ amount: Number(amount.Amount()), currency: amount.Currency() });

/** An order's event in the published language: plain JSON, money in minor units. */
function messageOf(event: OrderEvent): NewMessage {
  const data =
    event.type === 'RefundRequested'
      ? { ...event, amount: money(event.amount) }
      : 'items' in event
        ? { ...event, items: event.items.map((item) => ({ ...item, price: money(item.price) })) }
        : event;
  return { type: `orders.${event.type}`, subject: ORDER_EVENTS_CHANNEL, key: event.orderID, data };
}

/**
 * `OrderRepository` on PostgreSQL or PGlite: one call saves the whole aggregate, the order's row, its item
 * rows and its events (the outbox: `publisher` is the platform's broker, which joins the transaction), in one
 * transaction, or nothing (AGG-T2). A save is refused when the order changed since it was loaded (its
 * version), so two changes never mix. The events' ids derive from the order and its version: a retried save
 * publishes the same ids (EDA-T2).
 */
export class PostgresOrderRepository implements OrderRepository {
  readonly #db: SqlClient;
  readonly #publisher: Publisher;

  constructor(db: SqlClient, publisher: Publisher) {
    this.#db = db;
    this.#publisher = publisher;
  }

  async SaveOrder(ctx: Ctx, order: Order): Promise<void> {
    ctx.signal?.throwIfAborted();
    const s = order.Snapshot();
    const currency = s.taxAmount.Currency();
    await this.#db.transaction(async () => {
      if (s.version === 0) {
        await this.#db.query(
          `INSERT INTO coffeeco_building_blocks.orders
             (id, customer_id, payment_card_id, currency, tax_amount, discount, status, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
          [
            s.id,
            s.customerID,
            s.paymentCardID,
            currency,
            String(s.taxAmount.Amount()),
            String(s.discount.Amount()),
            s.status,
          ],
        );
        // Items never change once ordered: they are written with the order, one row each.
        for (const [line, item] of s.items.entries()) {
          await this.#db.query(
            `INSERT INTO coffeeco_building_blocks.order_items (order_id, line, name, quantity, price)
             VALUES ($1, $2, $3, $4, $5)`,
            [s.id, line, item.name, item.quantity, String(item.price.Amount())],
          );
        }
      } else {
        const { rowCount } = await this.#db.query(
          `UPDATE coffeeco_building_blocks.orders SET status = $2, version = version + 1
            WHERE id = $1 AND version = $3`,
          [s.id, s.status, s.version],
        );
        if (rowCount === 0) {
          throw conflict('concurrent_modification', `order ${s.id} was changed since it was loaded`);
        }
      }
      await publishSaveMessages(
        this.#publisher,
        'building-blocks',
        order.Events().map(messageOf),
        s.version + 1,
      );
    });
  }

  async OrderByID(ctx: Ctx, id: string): Promise<Order | undefined> {
    ctx.signal?.throwIfAborted();
    const { rows } = await this.#db.query<OrderRow>(
      `SELECT id, customer_id, payment_card_id, currency, tax_amount, discount, status, version
         FROM coffeeco_building_blocks.orders WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const items = await this.#db.query<ItemRow>(
      `SELECT line, name, quantity, price FROM coffeeco_building_blocks.order_items
        WHERE order_id = $1 ORDER BY line`,
      [id],
    );
    return orderRows.toDomain(row, items.rows);
  }
}
