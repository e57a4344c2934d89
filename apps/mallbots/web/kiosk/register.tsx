import { Alert, Button, Field, Link, must } from '@tessera/web';
import { type FormEvent, useState } from 'react';
import { api } from '../src/api.js';
import { useAction } from './problems.js';
import { words } from './words.js';

/**
 * Registering: the customer's name, mobile number (for the texts), and the username and password they log in
 * with. Each refused field says why next to it; then the kiosk logs them in.
 */
export function RegisterScreen(props: {
  onRegistered: (username: string, password: string) => Promise<void>;
}) {
  const [form, setForm] = useState({ name: '', smsNumber: '', username: '', password: '' });
  const { message, fieldError, busy, run } = useAction();
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((previous) => ({ ...previous, [field]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await must(() => api.POST('/api/customers', { body: form }));
      await props.onRegistered(form.username, form.password);
    });
  };
  return (
    <form className="tw-form" onSubmit={submit} aria-label={words.registerTitle} noValidate>
      {message ? <Alert>{message}</Alert> : null}
      <Field
        label={words.yourName}
        name="name"
        autoComplete="name"
        required
        value={form.name}
        onChange={set('name')}
        error={fieldError('name')}
      />
      <Field
        label={words.phone}
        name="smsNumber"
        type="tel"
        autoComplete="tel"
        required
        hint={words.phoneHint}
        value={form.smsNumber}
        onChange={set('smsNumber')}
        error={fieldError('smsNumber')}
      />
      <Field
        label={words.username}
        name="username"
        autoComplete="username"
        required
        value={form.username}
        onChange={set('username')}
        error={fieldError('username')}
      />
      <Field
        label={words.password}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={words.passwordHint}
        value={form.password}
        onChange={set('password')}
        error={fieldError('password')}
      />
      <div className="tw-row">
        <Button type="submit" busy={busy}>
          {words.createAccount}
        </Button>
        <Link href="/kiosk/">{words.back}</Link>
      </div>
    </form>
  );
}
