import {
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react';

/**
 * The frame of every screen: a skip link, a banner with the page's name and its navigation, one main
 * landmark whose heading takes focus when the screen changes (screen readers hear where they are).
 */
export function Page(props: {
  app: string;
  title: string;
  nav?: ReactNode;
  account?: ReactNode;
  children: ReactNode;
  touch?: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${props.app}`;
    heading.current?.focus();
  }, [props.title, props.app]);
  return (
    <div className={props.touch ? 'tw-app tw-touch' : 'tw-app'}>
      <a className="tw-skip" href="#main">
        Skip to content
      </a>
      <header className="tw-banner">
        <span className="tw-brand">{props.app}</span>
        {props.nav ? (
          <nav aria-label="Main" className="tw-nav">
            {props.nav}
          </nav>
        ) : null}
        {props.account ? <div className="tw-account">{props.account}</div> : null}
      </header>
      <main id="main" className="tw-main">
        <h1 ref={heading} tabIndex={-1}>
          {props.title}
        </h1>
        {props.children}
      </main>
    </div>
  );
}

/** An input with its label, its hint and the server's or the page's error next to it (announced). */
export function Field(
  props: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: string },
) {
  const { label, error, hint, id, ...input } = props;
  const own = useId();
  const inputId = id ?? own;
  const described = [hint ? `${inputId}-hint` : '', error ? `${inputId}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="tw-field">
      <label htmlFor={inputId}>{label}</label>
      {hint ? (
        <span id={`${inputId}-hint`} className="tw-hint">
          {hint}
        </span>
      ) : null}
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {error ? (
        <span id={`${inputId}-error`} className="tw-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A choice among options, labelled like a Field. */
export function Select(
  props: SelectHTMLAttributes<HTMLSelectElement> & {
    label: string;
    error?: string | undefined;
    children: ReactNode;
  },
) {
  const { label, error, id, children, ...select } = props;
  const own = useId();
  const selectId = id ?? own;
  return (
    <div className="tw-field">
      <label htmlFor={selectId}>{label}</label>
      <select
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${selectId}-error` : undefined}
        {...select}
      >
        {children}
      </select>
      {error ? (
        <span id={`${selectId}-error`} className="tw-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & {
    kind?: 'primary' | 'secondary' | 'danger';
    busy?: boolean;
  },
) {
  const { kind = 'primary', busy, className, children, disabled, ...button } = props;
  return (
    <button
      type="button"
      className={`tw-button tw-${kind}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...button}
    >
      {children}
    </button>
  );
}

/** A message the person must notice: errors are alerts (read at once), the rest polite status updates. */
export function Alert(props: { kind?: 'error' | 'info' | 'success'; children: ReactNode }) {
  const kind = props.kind ?? 'error';
  return (
    <div className={`tw-alert tw-alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** A status in words (colour only repeats them), e.g. an order's. */
export function StatusBadge(props: { status: string; label?: string }) {
  return (
    <span className={`tw-badge tw-badge-${props.status.replace(/[^a-z0-9-]/gi, '-')}`}>
      {props.label ?? props.status}
    </span>
  );
}

/** Whether a live stream is connected, said politely to screen readers. */
export function LiveIndicator(props: { state: 'connecting' | 'live' | 'reconnecting' }) {
  const words = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' } as const;
  return (
    <span className={`tw-live tw-live-${props.state}`} role="status" aria-live="polite">
      {words[props.state]}
    </span>
  );
}

/** A determinate progress bar with its label (a rebuild's replay). */
export function Progress(props: { label: string; value: number; max: number }) {
  const id = useId();
  const percent = props.max > 0 ? Math.round((props.value / props.max) * 100) : 0;
  return (
    <div className="tw-field">
      <label htmlFor={id}>
        {props.label}: {percent}%
      </label>
      <progress id={id} value={props.value} max={props.max || 1} />
    </div>
  );
}

/** Money in minor units (ADR 0006) as the person's locale writes it. */
export function formatMoney(cents: number, currency = 'USD', locale?: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}
