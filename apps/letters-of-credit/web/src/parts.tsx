import { Select, StatusBadge } from '@tessera/web';
import { type InputHTMLAttributes, type TextareaHTMLAttributes, useId, useMemo } from 'react';
import {
  type Application,
  type ApplicationItem,
  CHECK_LABELS,
  CHECK_STATUS_LABELS,
  STATUS_LABELS,
} from './lc.js';

/** A checkbox with its label beside it (the kit's Field puts labels above inputs). */
export function Checkbox(props: InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  const { label, id, ...input } = props;
  const own = useId();
  const inputId = id ?? own;
  return (
    <div className="lc-check">
      <input id={inputId} type="checkbox" {...input} />
      <label htmlFor={inputId}>{label}</label>
    </div>
  );
}

/** A text area labelled like a Field, with its hint and its error next to it. */
export function TextArea(
  props: TextareaHTMLAttributes<HTMLTextAreaElement> & {
    label: string;
    hint?: string;
    error?: string | undefined;
  },
) {
  const { label, hint, error, id, ...area } = props;
  const own = useId();
  const areaId = id ?? own;
  const described = [hint ? `${areaId}-hint` : '', error ? `${areaId}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="tw-field">
      <label htmlFor={areaId}>{label}</label>
      {hint ? (
        <span id={`${areaId}-hint`} className="tw-hint">
          {hint}
        </span>
      ) : null}
      <textarea
        id={areaId}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...area}
      />
      {error ? (
        <span id={`${areaId}-error`} className="tw-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The book's fictional countries take user-assigned codes (ADR 0028); browsers know no name for them. */
const FICTIONAL: Readonly<Record<string, string>> = { XS: 'Sokovia', XW: 'Wakanda' };
/** Regions browsers name that are not countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Every ISO 3166-1 alpha-2 country the browser can name, in the person's language, by name. */
function countries(): Array<{ code: string; name: string }> {
  const names = new Intl.DisplayNames(undefined, { type: 'region' });
  const found: Array<{ code: string; name: string }> = [];
  for (const first of LETTERS) {
    for (const second of LETTERS) {
      const code = first + second;
      if (NOT_COUNTRIES.has(code)) continue;
      const name = FICTIONAL[code] ?? names.of(code);
      if (name && name !== code) found.push({ code, name });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export function CountrySelect(props: {
  label: string;
  value: string;
  onChange: (code: string) => void;
  error?: string | undefined;
}) {
  const options = useMemo(countries, []);
  return (
    <Select
      label={props.label}
      value={props.value}
      error={props.error}
      required
      onChange={(event) => props.onChange(event.target.value)}
    >
      <option value="">Choose a country</option>
      {options.map((country) => (
        <option key={country.code} value={country.code}>
          {country.name}
        </option>
      ))}
    </Select>
  );
}

export const countryName = (code: string) =>
  FICTIONAL[code] ?? new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;

export function Status(props: { status: Application['status'] }) {
  return <StatusBadge status={`lc-${props.status}`} label={STATUS_LABELS[props.status]} />;
}

/** Reminders sent and past due, in words: what the desk must notice about a waiting application. */
export function Reminders(props: { item: Pick<ApplicationItem, 'approvalReminders' | 'pastDue'> }) {
  const { approvalReminders, pastDue } = props.item;
  return (
    <span className="lc-reminders">
      {approvalReminders > 0 ? (
        <StatusBadge
          status="lc-reminded"
          label={approvalReminders === 1 ? '1 reminder sent' : `${approvalReminders} reminders sent`}
        />
      ) : null}
      {pastDue ? <StatusBadge status="lc-past-due" label="Past due" /> : null}
    </span>
  );
}

/** The partners' three checks, each in words, with what the partner remarked when it is known. */
export function Checks(props: {
  checks: ApplicationItem['checks'];
  remarks?: Partial<Record<keyof typeof CHECK_LABELS, string>>;
}) {
  return (
    <ul className="lc-checks">
      {(Object.keys(CHECK_LABELS) as Array<keyof typeof CHECK_LABELS>).map((check) => (
        <li key={check}>
          {CHECK_LABELS[check]}:{' '}
          <StatusBadge
            status={`lc-check-${props.checks[check]}`}
            label={CHECK_STATUS_LABELS[props.checks[check]]}
          />
          {props.remarks?.[check] ? <span className="lc-remarks"> {props.remarks[check]}</span> : null}
        </li>
      ))}
    </ul>
  );
}
