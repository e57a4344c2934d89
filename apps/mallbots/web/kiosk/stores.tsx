import { Alert, Button, Link, must } from '@tessera/web';
import { useEffect, useState } from 'react';
import { api, type paths } from '../src/api.js';
import type { Basket } from './basket.js';
import { money, sentenceOf, useAction } from './problems.js';
import { words } from './words.js';

type StoreDto =
  paths['/api/stores/participating']['get']['responses'][200]['content']['application/json']['stores'][number];
type ProductDto =
  paths['/api/stores/{storeId}/products']['get']['responses'][200]['content']['application/json']['products'][number];

/** Loads once per key; `error` is the sentence of a failure. */
function useLoaded<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    setState({});
    load()
      .then((value) => live && setState({ value }))
      .catch((error: unknown) => live && setState({ error: sentenceOf(error) }));
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/** The stores taking part in automated shopping: the robots shop only there. */
export function StoresScreen() {
  const { value: stores, error } = useLoaded(
    async () =>
      (await must(() => api.GET('/api/stores/participating', { params: { query: { limit: 100 } } }))).stores,
    'participating',
  );
  if (error) return <Alert>{error}</Alert>;
  if (!stores) return null;
  if (stores.length === 0) return <p>{words.noStores}</p>;
  return (
    <ul className="tw-grid kiosk-tiles">
      {stores.map((store: StoreDto) => (
        <li key={store.id}>
          <Link className="kiosk-tile" href={`/kiosk/stores/${store.id}`}>
            <span className="kiosk-tile-name">{store.name}</span>
            <span className="tw-hint">{store.location}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** One store's products, each added to the basket with one touch. */
export function StoreScreen(props: { storeId: string; basket: Basket; onTitle: (title: string) => void }) {
  const { storeId, onTitle } = props;
  const { value, error } = useLoaded(async () => {
    const [{ store }, { products }] = await Promise.all([
      must(() => api.GET('/api/stores/{id}', { params: { path: { id: storeId } } })),
      must(() =>
        api.GET('/api/stores/{storeId}/products', { params: { path: { storeId }, query: { limit: 100 } } }),
      ),
    ]);
    return { store, products };
  }, storeId);
  const { message, busy, run } = useAction();
  const [added, setAdded] = useState<string>();
  useEffect(() => {
    if (value) onTitle(value.store.name);
  }, [value, onTitle]);
  if (error) return <Alert>{error}</Alert>;
  if (!value) return null;
  const add = (product: ProductDto) =>
    run(async () => {
      setAdded(undefined);
      await props.basket.add(product.id);
      setAdded(words.added(product.name));
    });
  return (
    <>
      {message ? <Alert>{message}</Alert> : null}
      <p className="kiosk-status" role="status">
        {added ?? ''}
      </p>
      {value.products.length === 0 ? <p>{words.noProducts}</p> : null}
      <ul className="tw-grid kiosk-tiles">
        {value.products.map((product: ProductDto) => (
          <li key={product.id} className="tw-card kiosk-product">
            <h2 className="kiosk-tile-name">{product.name}</h2>
            <p className="tw-hint">{product.description}</p>
            <p>
              <strong>{money(product.price)}</strong>
            </p>
            <Button busy={busy} aria-label={words.addNamed(product.name)} onClick={() => add(product)}>
              {words.add}
            </Button>
          </li>
        ))}
      </ul>
    </>
  );
}
