import { Alert, Button, Field, Link, must } from '@tessera/web';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said, useAction } from './actions.js';
import { Catalogue } from './catalogue.js';
import { participation } from './stores.js';
import type { Store } from './types.js';

/** One store: its name, its part in automated shopping, and its catalogue. */
export function StoreScreen(props: { params: Record<string, string> }) {
  const id = props.params.id ?? '';
  const [store, setStore] = useState<Store>();
  const [failed, setFailed] = useState<string>();
  const reload = useCallback(async () => {
    try {
      const answer = await must(() => api.GET('/api/stores/{id}', { params: { path: { id } } }));
      setStore(answer.store);
    } catch (error) {
      setFailed(said(error).message);
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);

  if (failed) {
    return (
      <>
        <Alert>{failed}</Alert>
        <Link href="/console/stores">Back to the stores</Link>
      </>
    );
  }
  if (!store) return <p>Loading the store…</p>;
  return (
    <>
      <p>
        <Link href="/console/stores">All stores</Link>
      </p>
      <h2>{store.name}</h2>
      <p>
        {store.location} · {participation(store)}
      </p>
      <div className="tw-grid">
        <Rebrand store={store} onDone={reload} />
        <Participation store={store} onDone={reload} />
      </div>
      <Catalogue storeId={store.id} storeName={store.name} />
    </>
  );
}

function Rebrand(props: { store: Store; onDone: () => Promise<void> }) {
  const [name, setName] = useState(props.store.name);
  const [renamed, setRenamed] = useState(false);
  const { busy, problem, run } = useAction(['name']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRenamed(false);
    const done = await run(() =>
      must(() =>
        api.PUT('/api/stores/{id}/rebrand', { params: { path: { id: props.store.id } }, body: { name } }),
      ),
    );
    if (done) {
      setRenamed(true);
      await props.onDone();
    }
  };
  return (
    <form className="tw-form tw-card" aria-labelledby="rebrand" onSubmit={submit} noValidate>
      <h3 id="rebrand">Rename the store</h3>
      {problem ? <Alert>{problem.message}</Alert> : null}
      {renamed ? <Alert kind="success">The store is renamed.</Alert> : null}
      <Field
        label="Store name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={problem?.field('name')}
      />
      <Button type="submit" busy={busy}>
        Rename
      </Button>
    </form>
  );
}

function Participation(props: { store: Store; onDone: () => Promise<void> }) {
  const { busy, problem, run } = useAction();
  const { id, participating } = props.store;
  const toggle = async () => {
    const path = { params: { path: { id } } };
    const done = await run(() =>
      must(() =>
        participating
          ? api.DELETE('/api/stores/{id}/participating', path)
          : api.PUT('/api/stores/{id}/participating', path),
      ),
    );
    if (done) await props.onDone();
  };
  return (
    <section className="tw-card" aria-labelledby="participation">
      <h3 id="participation">Automated shopping</h3>
      {problem ? <Alert>{problem.message}</Alert> : null}
      <p>
        {participating
          ? 'The bots shop here: customers at the kiosk see this store.'
          : 'The bots do not shop here: customers at the kiosk do not see this store.'}
      </p>
      <Button kind={participating ? 'secondary' : 'primary'} busy={busy} onClick={() => void toggle()}>
        {participating ? 'Stop automated shopping' : 'Start automated shopping'}
      </Button>
    </section>
  );
}
