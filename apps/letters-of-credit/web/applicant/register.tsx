import { Alert, Button, Field, must } from '@tessera/web';
import { type FormEvent, useState } from 'react';
import { useAction } from '../src/action.js';
import { api } from '../src/api.js';

const FIELDS = ['name', 'company', 'username', 'password'];

/**
 * An importer registers with the bank (Customer Onboarding opens their account, their applicant id its
 * subject), then is logged in with what they chose.
 */
export function Register(props: { onRegistered: (username: string, password: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction(FIELDS);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await must(() =>
        api.POST('/letters-of-credit/api/onboarding/applicants', {
          body: { name, username, password, ...(company.trim() && { company }) },
        }),
      );
      await props.onRegistered(username, password);
    });
  };
  return (
    <form className="tw-form" aria-label="Register" noValidate onSubmit={submit}>
      {action.sentence ? <Alert>{action.sentence}</Alert> : null}
      <Field
        label="Your name"
        autoComplete="name"
        required
        value={name}
        error={action.fieldError('name')}
        onChange={(event) => setName(event.target.value)}
      />
      <Field
        label="Company (optional)"
        autoComplete="organization"
        value={company}
        error={action.fieldError('company')}
        onChange={(event) => setCompany(event.target.value)}
      />
      <Field
        label="Username"
        autoComplete="username"
        hint="3 to 64 letters, digits, or . _ @ -"
        required
        value={username}
        error={action.fieldError('username')}
        onChange={(event) => setUsername(event.target.value)}
      />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters"
        required
        value={password}
        error={action.fieldError('password')}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" busy={action.busy}>
        Register
      </Button>
    </form>
  );
}
