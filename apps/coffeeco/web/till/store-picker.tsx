import { Alert, Button } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import { api, ask, type Store, type StoresPage } from '../src/api.js';
import { sentenceOf } from '../src/sentences.js';

/** The stores, by location, a page at a time: the barista chooses the one this till stands in. */
export function StorePicker(props: { onChoose: (store: Store) => void }) {
  const [stores, setStores] = useState<readonly Store[]>([]);
  const [next, setNext] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const load = useCallback(async (after?: string) => {
    setError(undefined);
    try {
      const page = await ask<StoresPage>(() =>
        api.GET('/coffeeco/api/coffee-shops/stores', {
          params: { query: { limit: 50, ...(after && { after }) } },
        }),
      );
      setStores((shown) => (after ? [...shown, ...page.stores] : page.stores));
      setNext(page.next);
      setLoaded(true);
    } catch (problem) {
      setError(sentenceOf(problem));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      {error ? <Alert>{error}</Alert> : null}
      {loaded && stores.length === 0 ? (
        <Alert kind="info">There are no stores yet: a store manager opens them.</Alert>
      ) : null}
      <ul className="tw-list till-stores" aria-label="Stores">
        {stores.map((store) => (
          <li key={store.id}>
            <Button kind="secondary" className="till-store" onClick={() => props.onChoose(store)}>
              {store.location}
            </Button>
          </li>
        ))}
      </ul>
      {next ? (
        <Button kind="secondary" onClick={() => void load(next)}>
          More stores
        </Button>
      ) : null}
    </>
  );
}
