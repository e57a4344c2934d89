import { Alert, Button, Link, LiveIndicator, type LiveState, must, StatusBadge, useLive } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import { api, type OrderTracking, type paths } from '../src/api.js';
import { money, sentenceOf, useAction } from './problems.js';
import { locale, statusWords, stepWords, words } from './words.js';

type OrderingDto =
  paths['/api/ordering/{id}']['get']['responses'][200]['content']['application/json']['order'];

export interface MyOrders {
  /** Each of the customer's orders as Search tracks it now, by id. */
  readonly orders: ReadonlyMap<string, OrderTracking>;
  readonly live: LiveState;
}

/**
 * The customer's orders, followed live (ADR 0029): the stream starts with each of their orders, then sends
 * each change as it commits; after a reconnect the browser (or `useLive`) resumes after the last event, so
 * every change is shown once. An order replaces its previous state by id.
 */
export function useMyOrders(): MyOrders {
  const [orders, setOrders] = useState<ReadonlyMap<string, OrderTracking>>(new Map());
  const live = useLive('/api/search/orders/live', {
    events: ['order'],
    onEvent: ({ data }) => {
      const order = data as OrderTracking;
      setOrders((previous) => new Map(previous).set(order.id, order));
    },
  });
  return { orders, live };
}

/** How far an order is: what is further along wins when two answers differ (one may lag the other). */
const RANK: Record<string, number> = {
  placing: 0,
  pending: 1,
  approved: 2,
  shopping: 3,
  ready: 4,
  completed: 5,
  rejected: 5,
  canceled: 5,
};

const statusLabel = (status: string) => statusWords[locale][status] ?? status;
/** A robot as the customer reads it: its name, else a short form of its id. */
const robotName = (bot: { botId?: string; botName?: string }) =>
  bot.botName ?? ((bot.botId ?? '').length > 12 ? bot.botId!.slice(0, 8).toUpperCase() : (bot.botId ?? ''));
const time = (at: string) =>
  new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
    new Date(at),
  );

/** The customer's orders, newest first, each with its status, total and a link to follow it. */
export function OrdersScreen(props: { mine: MyOrders }) {
  const orders = [...props.mine.orders.values()].sort((a, b) => b.placedAt.localeCompare(a.placedAt));
  return (
    <>
      <LiveIndicator state={props.mine.live} />
      {orders.length === 0 ? <p>{words.noOrders}</p> : null}
      <ul className="tw-list">
        {orders.map((order) => (
          <li key={order.id} className="tw-card tw-row">
            <strong>{words.orderNumber(order.id)}</strong>
            <StatusBadge status={order.status} label={statusLabel(order.status)} />
            <span>{money(order.total)}</span>
            <Link
              href={`/kiosk/orders/${order.id}`}
              aria-label={`${words.viewOrder}: ${words.orderNumber(order.id)}`}
            >
              {words.viewOrder}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * One order, live: its status, the steps so far, the shopping list stop by stop with the robot shopping it,
 * the final total and the invoice to pay at pickup. Before Search has heard of it (just checked out), Ordering
 * says it is being placed; a cancel is offered only while the API says the customer may.
 */
export function OrderScreen(props: { orderId: string; mine: MyOrders }) {
  const { orderId } = props;
  const tracked = props.mine.orders.get(orderId);
  const [ordering, setOrdering] = useState<{ order?: OrderingDto; error?: string }>({});
  const { message, busy, run } = useAction();
  const ask = useCallback(async () => {
    try {
      const { order } = await must(() =>
        api.GET('/api/ordering/{id}', { params: { path: { id: orderId } } }),
      );
      setOrdering({ order });
    } catch (error) {
      setOrdering({ error: sentenceOf(error) });
    }
  }, [orderId]);
  useEffect(() => {
    void ask();
  }, [ask]);

  if (!tracked && ordering.error) return <Alert>{ordering.error}</Alert>;
  if (!tracked && !ordering.order) return <LiveIndicator state={props.mine.live} />;
  // Search tells the details; Ordering's own answer wins when it is further along (Search may lag it).
  const ahead =
    ordering.order && (!tracked || (RANK[ordering.order.status] ?? 0) > (RANK[tracked.status] ?? 0));
  const status = ahead ? ordering.order!.status : tracked!.status;
  const cancelable = ahead ? ordering.order!.cancelable : tracked!.cancelable;
  const total = tracked?.total ?? ordering.order!.total;
  const cancel = () =>
    run(async () => {
      await must(() => api.DELETE('/api/ordering/{id}', { params: { path: { id: orderId } } }));
      await ask();
    });
  const pay = (invoiceId: string) =>
    run(() =>
      must(() => api.PUT('/api/payments/invoices/{id}/pay', { params: { path: { id: invoiceId } } })),
    );

  return (
    <>
      <p className="tw-row">
        <strong>{words.orderNumber(orderId)}</strong>
        <LiveIndicator state={props.mine.live} />
      </p>
      <p className="kiosk-order-status" role="status" aria-live="polite">
        {words.status}: <StatusBadge status={status} label={statusLabel(status)} />
      </p>
      {message ? <Alert>{message}</Alert> : null}
      {tracked?.rejectionReason && status === 'rejected' ? (
        <Alert kind="info">{tracked.rejectionReason}</Alert>
      ) : null}
      {status === 'canceled' ? <Alert kind="info">{words.canceled}</Alert> : null}
      <p className="kiosk-total">
        {status === 'ready' || status === 'completed' ? words.finalTotal : words.total}:{' '}
        <strong>{money(total)}</strong>
      </p>
      {tracked && tracked.unavailableItems.length > 0 ? <p>{words.unavailableNotCharged}</p> : null}
      {tracked?.invoice ? (
        tracked.invoice.status === 'pending' ? (
          <Button busy={busy} onClick={() => pay(tracked.invoice!.id)}>
            {words.payInvoice(money(tracked.invoice.amount))}
          </Button>
        ) : tracked.invoice.status === 'paid' ? (
          <Alert kind="success">{words.invoicePaid}</Alert>
        ) : null
      ) : null}
      {cancelable ? (
        <Button kind="danger" busy={busy} onClick={cancel}>
          {words.cancelOrder}
        </Button>
      ) : null}
      {tracked ? <Steps order={tracked} /> : null}
      {tracked?.shoppingList ? <ShoppingList list={tracked.shoppingList} /> : null}
    </>
  );
}

function Steps(props: { order: OrderTracking }) {
  return (
    <section aria-labelledby="kiosk-steps">
      <h2 id="kiosk-steps">{words.steps}</h2>
      <ol className="kiosk-steps">
        {props.order.steps.map((step) => (
          <li key={`${step.step}-${step.botId ?? ''}`}>
            <span>{stepWords[locale][step.step] ?? step.step}</span>
            {step.botId ? <span> ({words.robot(robotName(step))})</span> : null}{' '}
            <time className="tw-hint" dateTime={step.at}>
              {time(step.at)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}

function ShoppingList(props: { list: NonNullable<OrderTracking['shoppingList']> }) {
  const { list } = props;
  return (
    <section aria-labelledby="kiosk-list">
      <h2 id="kiosk-list">{words.shoppingList}</h2>
      <p>{list.botId ? words.robot(robotName(list)) : words.noRobotYet}</p>
      <ol className="kiosk-stops">
        {list.stops.map((stop, index) => (
          <li key={stop.storeId} className="tw-card">
            <h3>
              {words.stop(index + 1, stop.storeName)}{' '}
              <StatusBadge
                status={stop.done ? 'done' : 'to-do'}
                label={stop.done ? words.stopDone : words.stopToDo}
              />
            </h3>
            <ul>
              {stop.items.map((item) => (
                <li key={item.productId}>
                  {item.quantity} × {item.productName}:{' '}
                  <span className={`kiosk-outcome-${item.outcome ?? 'waiting'}`}>
                    {item.outcome === 'picked'
                      ? words.picked
                      : item.outcome === 'unavailable'
                        ? words.unavailable
                        : words.waiting}
                  </span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
