import { Alert, Button, Link, must } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import { api, type paths } from '../src/api.js';
import { centsOf, money, useAction } from './problems.js';
import { words } from './words.js';

export type BasketDto =
  paths['/api/baskets/{id}']['get']['responses'][200]['content']['application/json']['basket'];

/** A card swipe held for an amount: it pays for the basket only while the basket's total is that amount. */
interface Held {
  readonly id: string;
  readonly amountCents: number;
}

interface Stored {
  readonly basketId: string;
  readonly payment?: Held;
}

const storageKey = (customerId: string) => `mallbots.kiosk.basket.${customerId}`;
const readStored = (customerId: string): Stored | undefined => {
  try {
    const text = sessionStorage.getItem(storageKey(customerId));
    return text ? (JSON.parse(text) as Stored) : undefined;
  } catch {
    return undefined;
  }
};

export interface Basket {
  readonly basket: BasketDto | undefined;
  /** The card swipe held for the basket's current total, if any. */
  readonly payment: Held | undefined;
  add(productId: string): Promise<void>;
  remove(productId: string): Promise<void>;
  swipe(): Promise<void>;
  /** Checks the basket out with the held payment; resolves with the order's id (the basket's). */
  checkout(): Promise<string>;
}

/**
 * The customer's open basket at this kiosk: started with the first item, remembered for the session (a reload
 * finds it again), forgotten once checked out. Every change is the API's; the basket shown is its answer.
 */
export function useBasket(customerId: string): Basket {
  const [stored, setStored] = useState<Stored | undefined>(() => readStored(customerId));
  const [basket, setBasket] = useState<BasketDto>();

  const remember = useCallback(
    (next: Stored | undefined) => {
      if (next) sessionStorage.setItem(storageKey(customerId), JSON.stringify(next));
      else sessionStorage.removeItem(storageKey(customerId));
      setStored(next);
    },
    [customerId],
  );
  const load = useCallback(async (id: string) => {
    const { basket: found } = await must(() => api.GET('/api/baskets/{id}', { params: { path: { id } } }));
    setBasket(found);
    return found;
  }, []);

  useEffect(() => {
    const id = readStored(customerId)?.basketId;
    if (!id) return;
    load(id)
      .then((found) => {
        if (found.status !== 'open') remember(undefined);
      })
      .catch(() => remember(undefined));
  }, [customerId, load, remember]);

  const open = async (): Promise<string> => {
    if (stored?.basketId && basket?.status === 'open') return stored.basketId;
    const { id } = await must(() => api.POST('/api/baskets', { body: { customerId } }));
    remember({ basketId: id });
    return id;
  };
  const payment =
    stored?.payment && basket && stored.payment.amountCents === centsOf(basket.total)
      ? stored.payment
      : undefined;

  return {
    basket: basket?.status === 'open' ? basket : undefined,
    payment,
    async add(productId) {
      const id = await open();
      await must(() =>
        api.PUT('/api/baskets/{id}/addItem', { params: { path: { id } }, body: { productId, quantity: 1 } }),
      );
      await load(id);
    },
    async remove(productId) {
      if (!stored) return;
      const id = stored.basketId;
      await must(() =>
        api.PUT('/api/baskets/{id}/removeItem', {
          params: { path: { id } },
          body: { productId, quantity: 1 },
        }),
      );
      await load(id);
    },
    async swipe() {
      if (!stored || !basket) return;
      const amountCents = centsOf(basket.total);
      const { id } = await must(() => api.POST('/api/payments', { body: { customerId, amountCents } }));
      remember({ ...stored, payment: { id, amountCents } });
    },
    async checkout() {
      if (!stored || !payment) throw new Error('swipe the card first');
      const id = stored.basketId;
      await must(() =>
        api.PUT('/api/baskets/{id}/checkout', { params: { path: { id } }, body: { paymentId: payment.id } }),
      );
      remember(undefined);
      setBasket(undefined);
      return id;
    },
  };
}

/** The basket: its lines with their quantities, the running total, the card swipe and the checkout. */
export function BasketScreen(props: { basket: Basket; onOrdered: (orderId: string) => void }) {
  const { basket, payment } = props.basket;
  const { message, busy, run } = useAction();
  if (!basket || basket.items.length === 0) {
    return (
      <>
        {message ? <Alert>{message}</Alert> : null}
        <p>{words.basketEmpty}</p>
        <Link href="/kiosk/">{words.stores}</Link>
      </>
    );
  }
  const count = basket.items.reduce((sum, item) => sum + item.quantity, 0);
  return (
    <>
      {message ? <Alert>{message}</Alert> : null}
      <table className="tw-table">
        <caption>{words.items(count)}</caption>
        <thead>
          <tr>
            <th scope="col">{words.products}</th>
            <th scope="col">{words.quantity}</th>
            <th scope="col">{words.total}</th>
            <th scope="col">
              <span className="tw-visually-hidden">{words.remove}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {basket.items.map((item) => (
            <tr key={item.productId}>
              <td>
                {item.productName}
                <br />
                <span className="tw-hint">{item.storeName}</span>
              </td>
              <td>{item.quantity}</td>
              <td>{money(item.price * item.quantity)}</td>
              <td>
                <Button
                  kind="secondary"
                  busy={busy}
                  aria-label={words.removeNamed(item.productName)}
                  onClick={() => run(() => props.basket.remove(item.productId))}
                >
                  {words.remove}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="kiosk-total">
        {words.total}: <strong>{money(basket.total)}</strong>
      </p>
      {payment ? (
        <>
          <Alert kind="success">{words.swiped(money(payment.amountCents / 100))}</Alert>
          <Button
            busy={busy}
            onClick={() =>
              run(async () => {
                const orderId = await props.basket.checkout();
                props.onOrdered(orderId);
              })
            }
          >
            {words.placeOrder}
          </Button>
        </>
      ) : (
        <Button busy={busy} onClick={() => run(() => props.basket.swipe())}>
          {words.swipe(money(basket.total))}
        </Button>
      )}
    </>
  );
}
