import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiProblem } from './api.js';
import { type Locale, type MessageTable, messageOf, preferredLocale } from './messages.js';
import { Alert, Button, Field } from './ui.js';

/** Who the page is logged in as (`GET /auth/session`). */
export interface Who {
  readonly subject: string;
  readonly kind: 'person' | 'client';
  readonly name?: string;
  readonly roles: readonly string[];
}

export type Session =
  | { readonly state: 'loading' }
  | { readonly state: 'anonymous' }
  | { readonly state: 'in'; readonly who: Who };

const problemOf = async (response: Response) =>
  new ApiProblem(response.status, (await response.json().catch(() => undefined)) as Record<string, unknown>);

/** Logs in with the session cookies (ADR 0024); throws an ApiProblem the form shows. */
export async function logIn(username: string, password: string): Promise<void> {
  const response = await fetch('/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  }).catch(() => undefined);
  if (!response) throw new ApiProblem(0, { title: 'the server cannot be reached', code: 'unreachable' });
  if (!response.ok) throw await problemOf(response);
}

async function whoAmI(): Promise<Who | undefined> {
  const ask = () => fetch('/auth/session', { credentials: 'same-origin' });
  let response = await ask();
  if (response.status === 401) {
    // The access cookie lasts minutes, the refresh cookie the session: renew before saying "nobody".
    const renewed = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    if (!renewed.ok) return undefined;
    response = await ask();
  }
  return response.ok ? ((await response.json()) as Who) : undefined;
}

/** The page's session: who is in, and how to log in and out. */
export function useSession() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const reload = useCallback(async () => {
    const who = await whoAmI().catch(() => undefined);
    setSession(who ? { state: 'in', who } : { state: 'anonymous' });
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const login = useCallback(
    async (username: string, password: string) => {
      await logIn(username, password);
      await reload();
    },
    [reload],
  );
  const logout = useCallback(async () => {
    const csrf = document.cookie
      .split('; ')
      .find((cookie) => cookie.startsWith('tessera_csrf='))
      ?.slice('tessera_csrf='.length);
    await fetch('/auth/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {},
    }).catch(() => undefined);
    setSession({ state: 'anonymous' });
  }, []);
  return { session, login, logout, reload };
}

export const hasRole = (session: Session, ...roles: string[]) =>
  session.state === 'in' && session.who.roles.some((role) => roles.includes(role) || role === 'operator');

/** The login form: labelled fields, the server's refusal as a sentence in the person's language. */
export function LoginForm(props: {
  onLogin: (username: string, password: string) => Promise<void>;
  messages?: MessageTable;
  locale?: Locale;
  submitLabel?: string;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onLogin(username, password);
    } catch (problem) {
      const known = problem instanceof ApiProblem ? problem : new ApiProblem(0, { code: 'unreachable' });
      setError(messageOf(known, props.locale ?? preferredLocale(), props.messages));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} className="tw-form" aria-label="Log in">
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        required
        value={username}
        onChange={(event) => setUsername(event.target.value)}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" busy={busy}>
        {props.submitLabel ?? 'Log in'}
      </Button>
    </form>
  );
}
