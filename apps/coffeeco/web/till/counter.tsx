import { Button } from '@tessera/web';
import { useEffect, useState } from 'react';
import type { CoffeeLover, Store } from '../src/api.js';
import { CustomerBadge, CustomerPicker } from './customer.js';
import { LoyaltyCard, useLoyaltyCard } from './loyalty-card.js';
import { money } from './money.js';
import { Sale, type SaleLine } from './sale.js';

/**
 * The counter: who is buying (and their CoffeeBux card, live), the store's drinks, and the sale. Laid out in
 * three columns on a laptop, one above the other on a portrait touch screen (till.css).
 */
export function Counter(props: {
  store: Store;
  onLocked: (locked: boolean) => void;
  onSaleDone: () => void;
}) {
  const { store } = props;
  const [customer, setCustomer] = useState<CoffeeLover>();
  const [lines, setLines] = useState<readonly SaleLine[]>([]);
  const [locked, setLocked] = useState(false);
  const followed = useLoyaltyCard(customer?.id, store.id);
  const { onLocked } = props;
  useEffect(() => onLocked(locked), [locked, onLocked]);

  const add = (itemName: string) =>
    setLines((shown) =>
      shown.some((line) => line.itemName === itemName)
        ? shown.map((line) => (line.itemName === itemName ? { ...line, quantity: line.quantity + 1 } : line))
        : [...shown, { itemName, quantity: 1 }],
    );

  return (
    <div className="till-layout">
      <section className="till-customer" aria-labelledby="till-customer-heading">
        <h2 id="till-customer-heading">Coffee lover</h2>
        {customer ? (
          <>
            <CustomerBadge
              coffeeLover={customer}
              onClear={locked ? undefined : () => setCustomer(undefined)}
            />
            <LoyaltyCard {...followed} />
          </>
        ) : (
          <CustomerPicker onChoose={setCustomer} />
        )}
      </section>

      <section className="till-menu" aria-labelledby="till-menu-heading">
        <h2 id="till-menu-heading">Drinks</h2>
        {store.products.length === 0 ? (
          <p>This store sells nothing yet: its manager says what it sells.</p>
        ) : (
          <ul className="till-products" aria-label="The store's drinks">
            {store.products.map((product) => (
              <li key={product.itemName}>
                <Button
                  kind="secondary"
                  className="till-product"
                  disabled={locked}
                  onClick={() => add(product.itemName)}
                >
                  <span className="till-sr-only">Add </span>
                  <span className="till-product-name">{product.itemName}</span>
                  <span className="till-product-price">{money(product.basePrice)}</span>
                </Button>
              </li>
            ))}
          </ul>
        )}
        {store.discountPercent > 0 ? (
          <p className="till-discount-note">
            This store gives {store.discountPercent}% off every purchase paid with money.
          </p>
        ) : null}
      </section>

      <section className="till-order" aria-labelledby="till-order-heading">
        <h2 id="till-order-heading">Order</h2>
        <Sale
          store={store}
          customer={customer}
          card={followed.card}
          lines={lines}
          onLines={setLines}
          onLocked={setLocked}
          onDone={() => {
            setLines([]);
            setCustomer(undefined);
            props.onSaleDone();
          }}
        />
      </section>
    </div>
  );
}
