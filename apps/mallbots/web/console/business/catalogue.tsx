import { Alert, Button, Field, formatMoney, must } from '@tessera/web';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../src/api.js';
import { said, useAction } from './actions.js';
import type { Product } from './types.js';

const money = (price: number) => formatMoney(Math.round(price * 100));

/** A price as typed: a number, or what to say next to the input when it is none. */
function priceOf(text: string): { price: number } | { error: string } {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() === '' || !Number.isFinite(value)
    ? { error: 'Enter a price in dollars, such as 4.99.' }
    : { price: value };
}

/** A store's catalogue: its products, each to reprice, rename or remove, and a form to add one. */
export function Catalogue(props: { storeId: string; storeName: string }) {
  const [products, setProducts] = useState<Product[]>();
  const [failed, setFailed] = useState<string>();
  const [editing, setEditing] = useState<string>();
  const reload = useCallback(async () => {
    try {
      const all: Product[] = [];
      let after: string | undefined;
      do {
        const page = await must(() =>
          api.GET('/api/stores/{storeId}/products', {
            params: { path: { storeId: props.storeId }, query: { limit: 100, ...(after && { after }) } },
          }),
        );
        all.push(...page.products);
        after = page.next;
      } while (after);
      setProducts(all);
    } catch (error) {
      setFailed(said(error).message);
    }
  }, [props.storeId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const edited = products?.find((product) => product.id === editing);

  return (
    <section aria-labelledby="catalogue">
      <h2 id="catalogue">Catalogue</h2>
      {failed ? <Alert>{failed}</Alert> : null}
      {products === undefined ? null : products.length === 0 ? (
        <p>{props.storeName} sells nothing through the bots yet.</p>
      ) : (
        <table className="tw-table">
          <caption>What {props.storeName} sells, by name</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Description</th>
              <th scope="col">SKU</th>
              <th scope="col">Price</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {products.map((product) => (
              <ProductRow
                key={product.id}
                product={product}
                onEdit={() => setEditing(product.id)}
                onRemoved={reload}
              />
            ))}
          </tbody>
        </table>
      )}
      {edited ? (
        <ProductEditor
          key={edited.id}
          product={edited}
          onDone={reload}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
      <NewProduct storeId={props.storeId} onAdded={reload} />
    </section>
  );
}

function ProductRow(props: { product: Product; onEdit: () => void; onRemoved: () => Promise<void> }) {
  const { product } = props;
  const { busy, problem, run } = useAction();
  const remove = async () => {
    const done = await run(() =>
      must(() => api.DELETE('/api/stores/products/{id}', { params: { path: { id: product.id } } })),
    );
    if (done) await props.onRemoved();
  };
  return (
    <tr>
      <th scope="row">{product.name}</th>
      <td>{product.description}</td>
      <td>{product.sku}</td>
      <td>{money(product.price)}</td>
      <td>
        <div className="tw-row">
          <Button kind="secondary" onClick={props.onEdit} aria-label={`Edit ${product.name}`}>
            Edit
          </Button>
          <Button
            kind="danger"
            busy={busy}
            onClick={() => void remove()}
            aria-label={`Remove ${product.name}`}
          >
            Remove
          </Button>
        </div>
        {problem ? <Alert>{problem.message}</Alert> : null}
      </td>
    </tr>
  );
}

function ProductEditor(props: { product: Product; onDone: () => Promise<void>; onClose: () => void }) {
  const { product } = props;
  const [name, setName] = useState(product.name);
  const [description, setDescription] = useState(product.description);
  const [priceText, setPriceText] = useState(String(product.price));
  const [priceError, setPriceError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const renaming = useAction(['name', 'description']);
  const repricing = useAction(['price']);
  const path = { params: { path: { id: product.id } } };

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    const done = await renaming.run(() =>
      must(() => api.PUT('/api/stores/products/{id}/rebrand', { ...path, body: { name, description } })),
    );
    if (done) {
      setSaved(`${name} is renamed.`);
      await props.onDone();
    }
  };
  const reprice = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(undefined);
    const typed = priceOf(priceText);
    setPriceError('error' in typed ? typed.error : undefined);
    if ('error' in typed) return;
    // The API says which way a price moves; the same price is no change either way.
    const route =
      typed.price < product.price
        ? ('/api/stores/products/{id}/decreasePrice' as const)
        : ('/api/stores/products/{id}/increasePrice' as const);
    const done = await repricing.run(() =>
      must(() => api.PUT(route, { ...path, body: { price: typed.price } })),
    );
    if (done) {
      setSaved(`${product.name} now costs ${money(typed.price)}.`);
      await props.onDone();
    }
  };
  return (
    <section className="tw-card" aria-labelledby="editing">
      <h3 id="editing">Edit {product.name}</h3>
      {saved ? <Alert kind="success">{saved}</Alert> : null}
      <div className="tw-grid">
        <form className="tw-form" aria-label={`Rename ${product.name}`} onSubmit={rename} noValidate>
          {renaming.problem ? <Alert>{renaming.problem.message}</Alert> : null}
          <Field
            label="Product name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={renaming.problem?.field('name')}
          />
          <Field
            label="Description"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            error={renaming.problem?.field('description')}
          />
          <Button type="submit" busy={renaming.busy}>
            Save name and description
          </Button>
        </form>
        <form className="tw-form" aria-label={`Reprice ${product.name}`} onSubmit={reprice} noValidate>
          {repricing.problem ? <Alert>{repricing.problem.message}</Alert> : null}
          <Field
            label="New price"
            hint={`Now ${money(product.price)}`}
            inputMode="decimal"
            value={priceText}
            onChange={(event) => setPriceText(event.target.value)}
            error={priceError ?? repricing.problem?.field('price')}
          />
          <Button type="submit" busy={repricing.busy}>
            Change the price
          </Button>
        </form>
      </div>
      <Button kind="secondary" onClick={props.onClose}>
        Close
      </Button>
    </section>
  );
}

function NewProduct(props: { storeId: string; onAdded: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sku, setSku] = useState('');
  const [priceText, setPriceText] = useState('');
  const [priceError, setPriceError] = useState<string>();
  const [added, setAdded] = useState<string>();
  const { busy, problem, run } = useAction(['name', 'description', 'sku', 'price']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(undefined);
    const typed = priceOf(priceText);
    setPriceError('error' in typed ? typed.error : undefined);
    if ('error' in typed) return;
    const done = await run(() =>
      must(() =>
        api.POST('/api/stores/{storeId}/products', {
          params: { path: { storeId: props.storeId } },
          body: { name, description, sku, price: typed.price },
        }),
      ),
    );
    if (done) {
      setAdded(`${name} is in the catalogue.`);
      setName('');
      setDescription('');
      setSku('');
      setPriceText('');
      await props.onAdded();
    }
  };
  return (
    <form className="tw-form" aria-labelledby="new-product" onSubmit={submit} noValidate>
      <h3 id="new-product">Add a product</h3>
      {problem ? <Alert>{problem.message}</Alert> : null}
      {added ? <Alert kind="success">{added}</Alert> : null}
      <Field
        label="Name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={problem?.field('name')}
      />
      <Field
        label="Description"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={problem?.field('description')}
      />
      <Field
        label="SKU"
        value={sku}
        onChange={(event) => setSku(event.target.value)}
        error={problem?.field('sku')}
      />
      <Field
        label="Price"
        hint="In dollars, such as 4.99"
        inputMode="decimal"
        value={priceText}
        onChange={(event) => setPriceText(event.target.value)}
        error={priceError ?? problem?.field('price')}
      />
      <Button type="submit" busy={busy}>
        Add product
      </Button>
    </form>
  );
}
