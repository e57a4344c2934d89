import { Alert, Button, Field, Link, must, navigate, StatusBadge } from '@tessera/web';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said, useAction } from './actions.js';
import type { Store } from './types.js';

export const participation = (store: Pick<Store, 'participating'>) =>
  store.participating ? (
    <StatusBadge status="participating" label="Takes part" />
  ) : (
    <StatusBadge status="not-participating" label="Does not take part" />
  );

/** The mall's stores, by name, and a form to open a new one: the store manager's first screen. */
export function StoresScreen() {
  const [stores, setStores] = useState<Store[]>();
  const [next, setNext] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const load = useCallback(async (after?: string) => {
    try {
      const page = await must(() =>
        api.GET('/api/stores', { params: { query: { limit: 50, ...(after && { after }) } } }),
      );
      setStores((shown) => [...(after ? (shown ?? []) : []), ...page.stores]);
      setNext(page.next);
    } catch (error) {
      setFailed(said(error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <NewStore />
      <h2>Stores in the mall</h2>
      {failed ? <Alert>{failed}</Alert> : null}
      {stores === undefined ? (
        failed ? null : (
          <p>Loading the stores…</p>
        )
      ) : stores.length === 0 ? (
        <p>There are no stores yet.</p>
      ) : (
        <table className="tw-table">
          <caption>Every store, by name</caption>
          <thead>
            <tr>
              <th scope="col">Store</th>
              <th scope="col">Location</th>
              <th scope="col">Automated shopping</th>
            </tr>
          </thead>
          <tbody>
            {stores.map((store) => (
              <tr key={store.id}>
                <td>
                  <Link href={`/console/stores/${store.id}`}>{store.name}</Link>
                </td>
                <td>{store.location}</td>
                <td>{participation(store)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <Button kind="secondary" onClick={() => void load(next)}>
          Show more stores
        </Button>
      ) : null}
    </>
  );
}

function NewStore() {
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const { busy, problem, run } = useAction(['name', 'location']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let id: string | undefined;
    const done = await run(async () => {
      ({ id } = await must(() => api.POST('/api/stores', { body: { name, location } })));
    });
    if (done && id) navigate(`/console/stores/${id}`);
  };
  return (
    <form className="tw-form" aria-labelledby="new-store" onSubmit={submit} noValidate>
      <h2 id="new-store">Open a store</h2>
      {problem ? <Alert>{problem.message}</Alert> : null}
      <Field
        label="Name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={problem?.field('name')}
      />
      <Field
        label="Location"
        hint="Where it is in the mall, e.g. Level 1, north wing"
        value={location}
        onChange={(event) => setLocation(event.target.value)}
        error={problem?.field('location')}
      />
      <Button type="submit" busy={busy}>
        Create store
      </Button>
    </form>
  );
}
