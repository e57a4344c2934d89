import { Button, Field, must, Select } from '@tessera/web';
import { useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';
import { Checkbox, TextArea } from '../src/parts.js';
import { useProducts } from '../src/products.js';
import { TaskForm, type TaskProps } from './task-form.js';

const ONE = '/letters-of-credit/api/lc-applications/{id}';
const paramsOf = (props: TaskProps) => ({ path: { id: props.application.id } });

/** A number as typed (`12,500.50`), or what was typed when it is none: the server then names the field. */
const numberOf = (typed: string) => {
  const value = Number(typed.replaceAll(',', '').trim());
  return (typed.trim() !== '' && Number.isFinite(value) ? value : typed) as number;
};
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The amount, in US dollars: the bank issues LCs in USD only, of at most USD 500,000.00. */
export function AmountForm(props: TaskProps) {
  const [amount, setAmount] = useState(
    props.application.amount ? String(props.application.amount.amount) : '',
  );
  const action = useAction(['amount', 'currency']);
  const save = async () => {
    const done = await action.run(() =>
      must(() =>
        api.POST(`${ONE}/change-amount`, {
          params: paramsOf(props),
          body: { amount: numberOf(amount), currency: 'USD' },
        }),
      ),
    );
    if (done) props.onDone();
  };
  return (
    <TaskForm application={props.application} task="change-amount" action={action} onSubmit={save}>
      <Field
        label="Amount in US dollars (USD)"
        hint="Letters of credit are issued in USD, up to 500,000.00"
        inputMode="decimal"
        required
        value={amount}
        error={action.fieldError('amount') ?? action.fieldError('currency')}
        onChange={(event) => setAmount(event.target.value)}
      />
    </TaskForm>
  );
}

interface ItemRow {
  productId: string;
  quantity: string;
  description: string;
}

/** What is traded: products of the bank's approved list, each with its quantity, and a description. */
export function MerchandiseForm(props: TaskProps) {
  const { products } = useProducts();
  const had = props.application.merchandise;
  const [items, setItems] = useState<ItemRow[]>(
    had?.items.map((item) => ({
      productId: item.productId,
      quantity: String(item.quantity),
      description: item.description ?? '',
    })) ?? [{ productId: '', quantity: '1', description: '' }],
  );
  const [description, setDescription] = useState(had?.description ?? '');
  const fields = [
    'items',
    'description',
    ...items.flatMap((_, index) =>
      ['productId', 'quantity', 'description'].map((f) => `items.${index}.${f}`),
    ),
  ];
  const action = useAction(fields);
  const save = async () => {
    const done = await action.run(() =>
      must(() =>
        api.POST(`${ONE}/change-merchandise`, {
          params: paramsOf(props),
          body: {
            items: items.map((item) => ({
              productId: item.productId,
              quantity: numberOf(item.quantity),
              ...(item.description.trim() && { description: item.description }),
            })),
            ...(description.trim() && { description }),
          },
        }),
      ),
    );
    if (done) props.onDone();
  };
  const change = (index: number, part: Partial<ItemRow>) =>
    setItems((had) => had.map((item, at) => (at === index ? { ...item, ...part } : item)));
  return (
    <TaskForm application={props.application} task="change-merchandise" action={action} onSubmit={save}>
      {action.fieldError('items') ? (
        <p className="tw-error" role="alert">
          {action.fieldError('items')}
        </p>
      ) : null}
      {items.map((item, index) => (
        <fieldset key={index}>
          <legend>Item {index + 1}</legend>
          <Select
            label="Product"
            required
            value={item.productId}
            error={action.fieldError(`items.${index}.productId`)}
            onChange={(event) => change(index, { productId: event.target.value })}
          >
            <option value="">{products === undefined ? 'Loading the products…' : 'Choose a product'}</option>
            {products?.map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
          </Select>
          <Field
            label="Quantity"
            inputMode="numeric"
            required
            value={item.quantity}
            error={action.fieldError(`items.${index}.quantity`)}
            onChange={(event) => change(index, { quantity: event.target.value })}
          />
          <Field
            label="Item description (optional)"
            value={item.description}
            error={action.fieldError(`items.${index}.description`)}
            onChange={(event) => change(index, { description: event.target.value })}
          />
          {items.length > 1 ? (
            <Button kind="secondary" onClick={() => setItems((had) => had.filter((_, at) => at !== index))}>
              Remove item {index + 1}
            </Button>
          ) : null}
        </fieldset>
      ))}
      <Button
        kind="secondary"
        onClick={() => setItems((had) => [...had, { productId: '', quantity: '1', description: '' }])}
      >
        Add an item
      </Button>
      <TextArea
        label="Merchandise description (optional)"
        value={description}
        error={action.fieldError('description')}
        onChange={(event) => setDescription(event.target.value)}
      />
    </TaskForm>
  );
}

/** The book's three usual documents (spec §3.3), and any other the applicant names. */
const USUAL_DOCUMENTS = [
  'Certificate of origin signed by the chamber of commerce',
  '3/3 full set of marine bills of lading, consigned to order of issuing bank, notify applicant, mark freight paid',
  'Insurance certificate, covering institute cargo clauses, all risks (including strikes, riots and civil commotions), in favour of buyers',
];

export function DocumentsForm(props: TaskProps) {
  const had = props.application.documents ?? [];
  const [usual, setUsual] = useState(USUAL_DOCUMENTS.filter((clause) => had.includes(clause)));
  const [others, setOthers] = useState(had.filter((clause) => !USUAL_DOCUMENTS.includes(clause)).join('\n'));
  const action = useAction(['documents']);
  const save = async () => {
    const done = await action.run(() =>
      must(() =>
        api.POST(`${ONE}/change-documents`, {
          params: paramsOf(props),
          body: { documents: [...usual, ...linesOf(others)] },
        }),
      ),
    );
    if (done) props.onDone();
  };
  return (
    <TaskForm application={props.application} task="change-documents" action={action} onSubmit={save}>
      <fieldset>
        <legend>Documents the beneficiary must present to be paid</legend>
        {action.fieldError('documents') ? (
          <p className="tw-error" role="alert">
            {action.fieldError('documents')}
          </p>
        ) : null}
        {USUAL_DOCUMENTS.map((clause) => (
          <Checkbox
            key={clause}
            label={clause}
            checked={usual.includes(clause)}
            onChange={(event) =>
              setUsual((had) =>
                USUAL_DOCUMENTS.filter((one) => (one === clause ? event.target.checked : had.includes(one))),
              )
            }
          />
        ))}
      </fieldset>
      <TextArea
        label="Other documents (optional)"
        hint="One document per line"
        value={others}
        onChange={(event) => setOthers(event.target.value)}
      />
    </TaskForm>
  );
}

/** Revocable, transferable, the tenor (at sight, or deferred by a number of days), other conditions. */
export function ConditionsForm(props: TaskProps) {
  const had = props.application.conditions;
  const [revocable, setRevocable] = useState(had?.revocable ?? false);
  const [transferable, setTransferable] = useState(had?.transferable ?? false);
  const [deferred, setDeferred] = useState(had?.tenor.kind === 'deferred');
  const [days, setDays] = useState(had?.tenor.kind === 'deferred' ? String(had.tenor.days) : '30');
  const [additional, setAdditional] = useState(had?.additional.join('\n') ?? '');
  const action = useAction(['revocable', 'transferable', 'tenor', 'tenor.days', 'additional']);
  const save = async () => {
    const done = await action.run(() =>
      must(() =>
        api.POST(`${ONE}/change-conditions`, {
          params: paramsOf(props),
          body: {
            revocable,
            transferable,
            tenor: deferred ? { kind: 'deferred', days: numberOf(days) } : { kind: 'at-sight' },
            additional: linesOf(additional),
          },
        }),
      ),
    );
    if (done) props.onDone();
  };
  return (
    <TaskForm application={props.application} task="change-conditions" action={action} onSubmit={save}>
      <Checkbox
        label="Revocable"
        checked={revocable}
        onChange={(event) => setRevocable(event.target.checked)}
      />
      <Checkbox
        label="Transferable"
        checked={transferable}
        onChange={(event) => setTransferable(event.target.checked)}
      />
      <fieldset>
        <legend>Tenor: when the beneficiary is paid</legend>
        <div className="lc-check">
          <input
            id="tenor-at-sight"
            type="radio"
            name="tenor"
            checked={!deferred}
            onChange={() => setDeferred(false)}
          />
          <label htmlFor="tenor-at-sight">At sight</label>
        </div>
        <div className="lc-check">
          <input
            id="tenor-deferred"
            type="radio"
            name="tenor"
            checked={deferred}
            onChange={() => setDeferred(true)}
          />
          <label htmlFor="tenor-deferred">Deferred</label>
        </div>
        {deferred ? (
          <Field
            label="Days after sight"
            inputMode="numeric"
            hint="1 to 360"
            value={days}
            error={action.fieldError('tenor.days') ?? action.fieldError('tenor')}
            onChange={(event) => setDays(event.target.value)}
          />
        ) : null}
      </fieldset>
      <TextArea
        label="Other conditions (optional)"
        hint="One condition per line"
        value={additional}
        error={action.fieldError('additional')}
        onChange={(event) => setAdditional(event.target.value)}
      />
    </TaskForm>
  );
}

export function ExpiryDateForm(props: TaskProps) {
  const [expiryDate, setExpiryDate] = useState(props.application.expiryDate ?? '');
  const action = useAction(['expiryDate']);
  const save = async () => {
    const done = await action.run(() =>
      must(() => api.POST(`${ONE}/change-expiry-date`, { params: paramsOf(props), body: { expiryDate } })),
    );
    if (done) props.onDone();
  };
  return (
    <TaskForm application={props.application} task="change-expiry-date" action={action} onSubmit={save}>
      <Field
        label="Expiry date"
        type="date"
        hint="After today"
        required
        value={expiryDate}
        error={action.fieldError('expiryDate')}
        onChange={(event) => setExpiryDate(event.target.value)}
      />
    </TaskForm>
  );
}
