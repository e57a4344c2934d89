import { Alert, Button, Field, formatMoney, Link, must, StatusBadge } from '@tessera/web';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said, useAction } from './actions.js';
import type { Order } from './types.js';

/** The statuses the staff may still cancel from (Ordering's rule: never once picked up). */
const CANCELABLE: readonly Order['status'][] = ['pending', 'approved', 'ready'];
const money = (amount: number) => formatMoney(Math.round(amount * 100));
export const orderStatus: Record<Order['status'], string> = {
  placing: 'Being placed',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  ready: 'Ready for pick-up',
  completed: 'Picked up',
  canceled: 'Canceled',
};

/** One order as the depot's staff see it, and their cancel with a reason (the customer is told why). */
export function OrderScreen(props: { params: Record<string, string> }) {
  const id = props.params.id ?? '';
  const [order, setOrder] = useState<Order>();
  const [failed, setFailed] = useState<string>();
  const reload = useCallback(async () => {
    try {
      setOrder((await must(() => api.GET('/api/ordering/{id}', { params: { path: { id } } }))).order);
    } catch (error) {
      setFailed(said(error).message);
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (failed) return <Alert>{failed}</Alert>;
  if (!order) return <p>Loading the order…</p>;
  return (
    <>
      <p>
        <Link href="/console/orders">All orders</Link>
      </p>
      <h2>
        Order {order.id.slice(0, 8)} <StatusBadge status={order.status} label={orderStatus[order.status]} />
      </h2>
      {order.status === 'canceled' ? (
        <p>
          Canceled by {order.canceledBy === 'staff' ? 'the staff' : 'the customer'}
          {order.cancelReason ? `: ${order.cancelReason}` : ''}
        </p>
      ) : null}
      {order.rejectionReason ? <p>Rejected: {order.rejectionReason}</p> : null}
      <table className="tw-table">
        <caption>What was ordered</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Store</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.productId}>
              <th scope="row">
                {item.productName}
                {item.unavailable ? ' (unavailable: not charged)' : ''}
              </th>
              <td>{item.storeName}</td>
              <td>{item.quantity}</td>
              <td>{money(item.price)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <strong>Total: {money(order.total)}</strong>
      </p>
      {CANCELABLE.includes(order.status) ? <StaffCancel order={order} onDone={reload} /> : null}
    </>
  );
}

function StaffCancel(props: { order: Order; onDone: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const { busy, problem, run } = useAction(['reason']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await run(() =>
      must(() =>
        api.POST('/api/ordering/{id}/staff-cancel', {
          params: { path: { id: props.order.id } },
          body: { reason },
        }),
      ),
    );
    if (done) await props.onDone();
  };
  return (
    <form className="tw-form tw-card" aria-labelledby="staff-cancel" onSubmit={submit} noValidate>
      <h3 id="staff-cancel">Cancel this order</h3>
      <p>Its bot is called back, its payment is voided and the customer is told the reason.</p>
      {problem ? <Alert>{problem.message}</Alert> : null}
      <Field
        label="Reason"
        hint="The customer reads it"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={problem?.field('reason')}
      />
      <Button kind="danger" type="submit" busy={busy}>
        Cancel the order
      </Button>
    </form>
  );
}
