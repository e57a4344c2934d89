import { Alert, Button, formatMoney, Link, must } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said } from './actions.js';
import { orderStatus } from './order.js';
import type { Order, SearchOrder } from './types.js';

/** The board's columns: the orders the depot works on, then those that ended, newest first in each. */
const COLUMNS: readonly SearchOrder['status'][] = [
  'pending',
  'approved',
  'ready',
  'completed',
  'canceled',
  'rejected',
];
const SHOWN = 20;
const money = (amount: number) => formatMoney(Math.round(amount * 100));

/**
 * The orders by status, as Search knows them (`POST /api/search/orders`, newest first in each status). It is
 * read when opened and when refreshed: Search's live feed of orders is what will make it follow by itself
 * (issue 18's kiosk work adds it; see the console's README).
 */
export function OrdersScreen() {
  const [board, setBoard] = useState<ReadonlyMap<Order['status'], SearchOrder[]>>();
  const [readAt, setReadAt] = useState<Date>();
  const [failed, setFailed] = useState<string>();
  const [busy, setBusy] = useState(false);
  const read = useCallback(async () => {
    setBusy(true);
    setFailed(undefined);
    try {
      const columns = await Promise.all(
        COLUMNS.map(async (status) => {
          const answer = await must(() =>
            api.POST('/api/search/orders', { body: { filters: { status }, limit: SHOWN } }),
          );
          return [status, answer.orders] as const;
        }),
      );
      setBoard(new Map(columns));
      setReadAt(new Date());
    } catch (error) {
      setFailed(said(error).message);
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => {
    void read();
  }, [read]);

  return (
    <>
      <div className="tw-row">
        <Button kind="secondary" busy={busy} onClick={() => void read()}>
          Refresh the board
        </Button>
        {readAt ? <span role="status">As of {readAt.toLocaleTimeString()}</span> : null}
      </div>
      {failed ? <Alert>{failed}</Alert> : null}
      <div className="tw-grid">
        {board
          ? COLUMNS.map((status) => (
              <section key={status} className="tw-card" aria-labelledby={`column-${status}`}>
                <h2 id={`column-${status}`}>
                  {orderStatus[status]} ({board.get(status)?.length ?? 0}
                  {(board.get(status)?.length ?? 0) >= SHOWN ? '+' : ''})
                </h2>
                <ul className="tw-list">
                  {(board.get(status) ?? []).map((order) => (
                    <li key={order.id}>
                      <Link href={`/console/orders/${order.id}`}>Order {order.id.slice(0, 8)}</Link>
                      <br />
                      {order.customerName || 'A customer'} · {money(order.total)} ·{' '}
                      {order.items.reduce((count, item) => count + item.quantity, 0)} items ·{' '}
                      {new Date(order.createdAt).toLocaleTimeString()}
                    </li>
                  ))}
                </ul>
              </section>
            ))
          : null}
      </div>
    </>
  );
}
