import { Field, must } from '@tessera/web';
import { useEffect, useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';
import { CountrySelect } from '../src/parts.js';
import { TaskForm, type TaskProps } from './task-form.js';

const ADDRESS_FIELDS = [
  'address',
  'address.lines',
  'address.lines.0',
  'address.lines.1',
  'address.lines.2',
  'address.city',
  'address.region',
  'address.postalCode',
  'address.country',
];

/** What was typed, as the API takes it: optional parts left out when blank (the server refuses blanks). */
const optional = <K extends string>(key: K, value: string) =>
  (value.trim() ? { [key]: value } : {}) as Partial<Record<K, string>>;

/**
 * The applicant (the importer) or the beneficiary (the exporter): a name and an address, a tax id for the
 * beneficiary. A US applicant's address is verified by the postal service; a sanctioned country is refused,
 * next to the country.
 */
export function PartyForm(props: TaskProps & { task: 'change-applicant' | 'change-beneficiary' }) {
  const beneficiary = props.task === 'change-beneficiary';
  const had = beneficiary ? props.application.beneficiary : props.application.applicant;
  const [name, setName] = useState(had?.name ?? '');
  const [lines, setLines] = useState([0, 1, 2].map((line) => had?.address.lines[line] ?? ''));
  const [city, setCity] = useState(had?.address.city ?? '');
  const [region, setRegion] = useState(had?.address.region ?? '');
  const [postalCode, setPostalCode] = useState(had?.address.postalCode ?? '');
  const [country, setCountry] = useState(had?.address.country ?? '');
  const [taxId, setTaxId] = useState((beneficiary && props.application.beneficiary?.taxId) || '');
  const action = useAction(['name', 'taxId', ...ADDRESS_FIELDS]);
  const applicantId = props.application.applicantId;
  useEffect(() => {
    // A first applicant section starts from what the importer told the bank when registering.
    if (beneficiary || had) return;
    void must(() =>
      api.GET('/letters-of-credit/api/onboarding/applicants/{applicantId}', {
        params: { path: { applicantId } },
      }),
    )
      .then(({ applicant }) => {
        setName((typed) => typed || (applicant.company ?? applicant.name));
        const known = applicant.address;
        if (!known) return;
        setLines((typed) => (typed.some(Boolean) ? typed : [0, 1, 2].map((line) => known.lines[line] ?? '')));
        setCity((typed) => typed || known.city);
        setRegion((typed) => typed || (known.region ?? ''));
        setPostalCode((typed) => typed || (known.postalCode ?? ''));
        setCountry((typed) => typed || known.country);
      })
      .catch(() => undefined);
  }, [beneficiary, had, applicantId]);
  const save = async () => {
    const party = {
      name,
      address: {
        lines: lines.filter((line) => line.trim()),
        city,
        country,
        ...optional('region', region),
        ...optional('postalCode', postalCode),
      },
    };
    const params = { path: { id: props.application.id } };
    const done = await action.run(() =>
      beneficiary
        ? must(() =>
            api.POST('/letters-of-credit/api/lc-applications/{id}/change-beneficiary', {
              params,
              body: { ...party, ...optional('taxId', taxId) },
            }),
          )
        : must(() =>
            api.POST('/letters-of-credit/api/lc-applications/{id}/change-applicant', { params, body: party }),
          ),
    );
    if (done) props.onDone();
  };
  const setLine = (index: number, value: string) =>
    setLines((had) => had.map((line, at) => (at === index ? value : line)));
  return (
    <TaskForm application={props.application} task={props.task} action={action} onSubmit={save}>
      <Field
        label={beneficiary ? "Beneficiary's name" : 'Your name or company'}
        autoComplete={beneficiary ? 'off' : 'organization'}
        required
        value={name}
        error={action.fieldError('name')}
        onChange={(event) => setName(event.target.value)}
      />
      <fieldset>
        <legend>Address</legend>
        {action.fieldError('address') ? (
          <p className="tw-error" role="alert">
            {action.fieldError('address')}
          </p>
        ) : null}
        {lines.map((line, index) => (
          <Field
            key={index}
            label={`Address line ${index + 1}${index === 0 ? '' : ' (optional)'}`}
            required={index === 0}
            value={line}
            error={
              action.fieldError(`address.lines.${index}`) ??
              (index === 0 ? action.fieldError('address.lines') : undefined)
            }
            onChange={(event) => setLine(index, event.target.value)}
          />
        ))}
        <Field
          label="City"
          required
          value={city}
          error={action.fieldError('address.city')}
          onChange={(event) => setCity(event.target.value)}
        />
        <Field
          label="State or region (optional)"
          value={region}
          error={action.fieldError('address.region')}
          onChange={(event) => setRegion(event.target.value)}
        />
        <Field
          label="Postal code (optional)"
          value={postalCode}
          error={action.fieldError('address.postalCode')}
          onChange={(event) => setPostalCode(event.target.value)}
        />
        <CountrySelect
          label="Country"
          value={country}
          error={action.fieldError('address.country')}
          onChange={setCountry}
        />
      </fieldset>
      {beneficiary ? (
        <Field
          label="Tax id (optional)"
          value={taxId}
          error={action.fieldError('taxId')}
          onChange={(event) => setTaxId(event.target.value)}
        />
      ) : null}
    </TaskForm>
  );
}

/** The bank in the exporter's country that advises the LC, by its SWIFT code. */
export function AdvisingBankForm(props: TaskProps) {
  const had = props.application.advisingBank;
  const [bic, setBic] = useState(had?.bic ?? '');
  const [name, setName] = useState(had?.name ?? '');
  const [country, setCountry] = useState(had?.country ?? '');
  const action = useAction(['bic', 'name', 'country']);
  const save = async () => {
    const done = await action.run(() =>
      must(() =>
        api.POST('/letters-of-credit/api/lc-applications/{id}/change-advising-bank', {
          params: { path: { id: props.application.id } },
          body: { bic: bic.trim().toUpperCase(), name, country },
        }),
      ),
    );
    if (done) props.onDone();
  };
  return (
    <TaskForm application={props.application} task="change-advising-bank" action={action} onSubmit={save}>
      <Field
        label="SWIFT code (BIC)"
        hint="8 or 11 letters and digits, e.g. DEUTDEFF"
        required
        value={bic}
        error={action.fieldError('bic')}
        onChange={(event) => setBic(event.target.value)}
      />
      <Field
        label="Bank name"
        required
        value={name}
        error={action.fieldError('name')}
        onChange={(event) => setName(event.target.value)}
      />
      <CountrySelect
        label="Country"
        value={country}
        error={action.fieldError('country')}
        onChange={setCountry}
      />
    </TaskForm>
  );
}
