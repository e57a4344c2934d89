import { Alert, formatMoney, Link, LiveIndicator, must, useLive } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said } from './actions.js';
import type { TrackedOrder } from './types.js';

/** The board's columns, in the order an order moves through them, then the ends other than pick-up. */
const COLUMNS = [
  ['placing', 'Being placed'],
  ['pending', 'Pending'],
  ['approved', 'Approved'],
  ['shopping', 'Being shopped'],
  ['ready', 'Ready for pick-up'],
  ['completed', 'Picked up'],
  ['canceled', 'Canceled'],
  ['rejected', 'Rejected'],
] as const satisfies readonly (readonly [TrackedOrder['status'], string])[];
const SHOWN = 20;
const money = (amount: number) => formatMoney(Math.round(amount * 100));

/**
 * The orders by status, live: each column is read from Search's order tracking (newest placed first), then
 * the board follows every change from the oldest of those readings (`GET /api/search/orders/live`), moving
 * an order to the column of its new status without a reload. A change arrives as the order is now, so one
 * seen twice (a reading and the feed overlap) is applied once: the later position wins.
 */
export function OrdersScreen() {
  const [orders, setOrders] = useState<ReadonlyMap<string, TrackedOrder>>(new Map());
  const [after, setAfter] = useState<number>();
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    void (async () => {
      try {
        const columns = await Promise.all(
          COLUMNS.map(([status]) =>
            must(() => api.GET('/api/search/orders', { params: { query: { status, limit: SHOWN } } })),
          ),
        );
        setOrders(new Map(columns.flatMap((column) => column.orders).map((order) => [order.id, order])));
        setAfter(Math.min(...columns.map((column) => column.position)));
      } catch (error) {
        setFailed(said(error).message);
      }
    })();
  }, []);
  const connection = useLive(after === undefined ? undefined : '/api/search/orders/live', {
    events: ['order'],
    after,
    onEvent: ({ data }) => {
      const order = data as TrackedOrder;
      setOrders((shown) => {
        const known = shown.get(order.id);
        return known && known.position >= order.position ? shown : new Map(shown).set(order.id, order);
      });
    },
  });

  const all = [...orders.values()].sort((a, b) => b.placedAt.localeCompare(a.placedAt));
  return (
    <>
      <p>
        <LiveIndicator state={after === undefined ? 'connecting' : connection} />
      </p>
      {failed ? <Alert>{failed}</Alert> : null}
      <div className="tw-grid">
        {COLUMNS.map(([status, title]) => {
          const column = all.filter((order) => order.status === status);
          return (
            <section key={status} className="tw-card" aria-labelledby={`column-${status}`}>
              <h2 id={`column-${status}`}>
                {title} ({column.length})
              </h2>
              <ul className="tw-list">
                {column.slice(0, SHOWN).map((order) => (
                  <li key={order.id}>
                    <Link href={`/console/orders/${order.id}`}>Order {order.id.slice(0, 8)}</Link>
                    <br />
                    {order.customerName || 'A customer'} · {money(order.total)} ·{' '}
                    {order.items.reduce((count, item) => count + item.quantity, 0)} items ·{' '}
                    {new Date(order.placedAt).toLocaleTimeString()}
                    {order.shoppingList?.botName ? ` · ${order.shoppingList.botName}` : ''}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </>
  );
}
