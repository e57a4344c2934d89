import { Alert, ApiProblem, Button, Select } from '@tessera/web';
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  api,
  ask,
  type CoffeeBuxCard,
  type CoffeeLover,
  type Means,
  type Purchase,
  type PurchaseAnswer,
  type PurchaseBody,
  type Quote,
  type QuoteAnswer,
  type Store,
} from '../src/api.js';
import { sentenceOf } from '../src/sentences.js';
import { money } from './money.js';

export interface SaleLine {
  readonly itemName: string;
  readonly quantity: number;
}

/**
 * The fake card provider's test cards (Stripe's test tokens), as a card terminal would hand them over: the
 * till never sees a card number, only the token the terminal gives for the card presented.
 */
export const TEST_CARDS = [
  { token: 'tok_visa', label: 'Visa (approved)' },
  { token: 'tok_mastercard', label: 'Mastercard (approved)' },
  { token: 'tok_chargeDeclined', label: 'Declined card' },
  { token: 'tok_chargeDeclinedInsufficientFunds', label: 'Card without enough funds' },
  { token: 'tok_chargeDeclinedExpiredCard', label: 'Expired card' },
] as const;

/**
 * A purchase's id, made here: the sale is one purchase however many times its payment is sent (a double tap,
 * a retry after the network dropped the answer), because the server keeps one purchase per id.
 */
export function newPurchaseId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Outside a secure context (a till on a plain-HTTP address) randomUUID is missing: a v4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Payment =
  | { readonly state: 'idle' }
  | { readonly state: 'paying' }
  | { readonly state: 'paid'; readonly purchase: Purchase }
  /** Refused for good (a declined card, not enough free drinks), or a request the server would not take. */
  | { readonly state: 'refused'; readonly message: string }
  /** No answer, or "not yet": the purchase may be recorded; only the same request again may follow. */
  | { readonly state: 'unknown'; readonly message: string };

const MEANS: ReadonlyArray<{ means: Means; label: string }> = [
  { means: 'card', label: 'Card' },
  { means: 'cash', label: 'Cash' },
  { means: 'coffeebux', label: 'CoffeeBux (free drinks)' },
];

const drinks = (count: number) => `${count} free ${count === 1 ? 'drink' : 'drinks'}`;

/** The server's price of the order now (its discount computed where the purchase's will be). */
function useQuote(storeId: string, items: readonly string[]) {
  const [quote, setQuote] = useState<{ items: string; quote?: Quote; error?: string }>();
  const key = items.join('\n');
  useEffect(() => {
    if (key === '') return;
    let current = true;
    ask<QuoteAnswer>(() =>
      api.GET('/coffeeco/api/coffee-shops/stores/{storeId}/quote', {
        params: { path: { storeId }, query: { items: key.split('\n') } },
      }),
    ).then(
      (answer) => current && setQuote({ items: key, quote: answer.quote }),
      (problem: unknown) => current && setQuote({ items: key, error: sentenceOf(problem) }),
    );
    return () => {
      current = false;
    };
  }, [storeId, key]);
  // A quote of another order is no quote of this one.
  return quote?.items === key ? quote : undefined;
}

/** The order, its total, and taking the payment: one purchase per sale, whatever happens on the way. */
export function Sale(props: {
  store: Store;
  customer: CoffeeLover | undefined;
  card: CoffeeBuxCard | undefined;
  lines: readonly SaleLine[];
  onLines: (lines: readonly SaleLine[]) => void;
  onLocked: (locked: boolean) => void;
  onDone: () => void;
}) {
  const { store, customer, lines } = props;
  const [means, setMeans] = useState<Means>('card');
  const [cardToken, setCardToken] = useState<string>(TEST_CARDS[0].token);
  const [purchaseId, setPurchaseId] = useState(newPurchaseId);
  const [payment, setPayment] = useState<Payment>({ state: 'idle' });
  const sending = useRef(false);
  const items = useMemo(
    () => lines.flatMap((line) => Array.from({ length: line.quantity }, () => line.itemName)),
    [lines],
  );
  const quoted = useQuote(store.id, items);
  const locked = payment.state === 'paying' || payment.state === 'unknown' || payment.state === 'paid';
  const { onLocked } = props;
  useEffect(() => onLocked(locked), [locked, onLocked]);
  const chosenMeans = means === 'coffeebux' && !customer ? 'card' : means;

  // What is sent is fixed when the payment is first tried: a retry sends the very same request.
  const request = useRef<{ id: string; body: PurchaseBody }>(undefined);
  const send = (id: string, body: PurchaseBody) =>
    ask<PurchaseAnswer>(() =>
      api.PUT('/coffeeco/api/coffee-shops/purchases/{purchaseId}', {
        params: { path: { purchaseId: id } },
        body,
      }),
    );

  const pay = async () => {
    // A second tap while the first is on its way sends nothing more (and would be the same purchase anyway).
    if (sending.current) return;
    sending.current = true;
    request.current ??= {
      id: purchaseId,
      body: {
        storeId: store.id,
        items,
        means: chosenMeans,
        ...(chosenMeans === 'card' && { cardToken }),
        ...(customer && { coffeeLoverId: customer.id }),
      },
    };
    setPayment({ state: 'paying' });
    try {
      const { purchase } = await send(request.current.id, request.current.body);
      setPayment(
        purchase.status === 'completed'
          ? { state: 'paid', purchase }
          : { state: 'unknown', message: sentenceOf(new ApiProblem(503, {})) },
      );
    } catch (problem) {
      const status = problem instanceof ApiProblem ? problem.status : 0;
      if (status === 0 || status >= 500) {
        setPayment({ state: 'unknown', message: sentenceOf(problem) });
      } else {
        // Settled (refused) or never recorded: the next try is a new purchase, under a new id.
        request.current = undefined;
        setPurchaseId(newPurchaseId());
        setPayment({ state: 'refused', message: sentenceOf(problem) });
      }
    } finally {
      sending.current = false;
    }
  };

  const nextSale = () => {
    request.current = undefined;
    setPurchaseId(newPurchaseId());
    setPayment({ state: 'idle' });
    setMeans('card');
    props.onDone();
  };
  const change = (next: readonly SaleLine[]) => {
    if (payment.state === 'refused') setPayment({ state: 'idle' });
    props.onLines(next);
  };

  if (payment.state === 'paid') return <Receipt purchase={payment.purchase} onNext={nextSale} />;
  const freeDrinks = props.card?.freeDrinksAvailable ?? 0;
  return (
    <>
      {lines.length === 0 ? (
        <p>Nothing yet: tap a drink to add it.</p>
      ) : (
        <ul className="till-lines" aria-label="Drinks in the order">
          {lines.map((line) => (
            <li key={line.itemName}>
              <span>
                {line.itemName} × {line.quantity}
              </span>
              <Button
                kind="secondary"
                disabled={locked}
                onClick={() =>
                  change(
                    lines.flatMap((other) =>
                      other.itemName !== line.itemName
                        ? [other]
                        : other.quantity > 1
                          ? [{ ...other, quantity: other.quantity - 1 }]
                          : [],
                    ),
                  )
                }
              >
                Remove one {line.itemName}
              </Button>
            </li>
          ))}
        </ul>
      )}

      {items.length > 0 ? <Totals quoted={quoted} means={chosenMeans} drinks={items.length} /> : null}

      <fieldset className="till-means" disabled={locked}>
        <legend>Payment</legend>
        {MEANS.map((option) => (
          <label key={option.means} className="till-choice">
            <input
              type="radio"
              name="means"
              value={option.means}
              checked={chosenMeans === option.means}
              disabled={option.means === 'coffeebux' && !customer}
              onChange={() => {
                setMeans(option.means);
                if (payment.state === 'refused') setPayment({ state: 'idle' });
              }}
            />
            {option.label}
          </label>
        ))}
        {!customer ? <p className="tw-hint">CoffeeBux needs the coffee lover whose card pays.</p> : null}
        {chosenMeans === 'coffeebux' ? (
          <p className="tw-hint">
            This sale takes {drinks(items.length)}; the card has {drinks(freeDrinks)}.
          </p>
        ) : null}
        {chosenMeans === 'card' ? (
          <Select
            label="Card presented (the fake provider's test cards)"
            value={cardToken}
            onChange={(event) => {
              setCardToken(event.target.value);
              if (payment.state === 'refused') setPayment({ state: 'idle' });
            }}
          >
            {TEST_CARDS.map((card) => (
              <option key={card.token} value={card.token}>
                {card.label}
              </option>
            ))}
          </Select>
        ) : null}
      </fieldset>

      {payment.state === 'refused' || payment.state === 'unknown' ? <Alert>{payment.message}</Alert> : null}
      <div className="tw-row">
        {payment.state === 'unknown' ? (
          <Button onClick={() => void pay()}>Try again</Button>
        ) : (
          <Button
            className="till-pay"
            busy={payment.state === 'paying'}
            disabled={items.length === 0}
            onClick={() => void pay()}
          >
            Take payment
          </Button>
        )}
      </div>
    </>
  );
}

function Totals(props: { quoted: ReturnType<typeof useQuote>; means: Means; drinks: number }) {
  const { quoted } = props;
  if (!quoted) return <p role="status">Pricing the order…</p>;
  if (quoted.error || !quoted.quote) return <Alert>{quoted.error}</Alert>;
  const { quote } = quoted;
  return (
    <dl className="till-totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{money(quote.subtotal)}</dd>
      </div>
      {quote.discountPercent > 0 ? (
        <div>
          <dt>Store discount ({quote.discountPercent}%)</dt>
          <dd>−{money(quote.discount)}</dd>
        </div>
      ) : null}
      <div className="till-total">
        <dt>Total</dt>
        <dd>{props.means === 'coffeebux' ? drinks(props.drinks) : money(quote.total)}</dd>
      </div>
    </dl>
  );
}

/** A purchase's products as a receipt groups them: each drink once, with how many and their price before discount. */
function soldLines(purchase: Purchase) {
  const lines = new Map<
    string,
    { itemName: string; quantity: number; price: { amount: number; currency: string } }
  >();
  for (const item of purchase.items) {
    const line = lines.get(item.itemName);
    lines.set(item.itemName, {
      itemName: item.itemName,
      quantity: (line?.quantity ?? 0) + 1,
      price: {
        // In cents, so that nine $3.35 lattes are $30.15 and not a float's idea of it.
        amount: (Math.round((line?.price.amount ?? 0) * 100) + Math.round(item.basePrice.amount * 100)) / 100,
        currency: item.basePrice.currency,
      },
    });
  }
  return [...lines.values()];
}

function Receipt(props: { purchase: Purchase; onNext: () => void }) {
  const { purchase } = props;
  const paid =
    purchase.means === 'card'
      ? `Paid ${money(purchase.total)} by card.`
      : purchase.means === 'cash'
        ? `Paid ${money(purchase.total)} in cash.`
        : `Paid with ${drinks(purchase.items.length)} from the CoffeeBux card.`;
  return (
    <>
      <Alert kind="success">{paid}</Alert>
      <ul className="till-lines" aria-label="Drinks sold">
        {soldLines(purchase).map((line) => (
          <li key={line.itemName}>
            <span>
              {line.itemName} × {line.quantity}
            </span>
            <span>{money(line.price)}</span>
          </li>
        ))}
      </ul>
      <p className="tw-hint">Purchase {purchase.id}</p>
      <Button onClick={props.onNext}>Next sale</Button>
    </>
  );
}
