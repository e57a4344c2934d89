import { Alert, ApiProblem, Button, Field } from '@tessera/web';
import { type FormEvent, useState } from 'react';
import { api, ask, type CoffeeLover, type CoffeeLoversPage } from '../src/api.js';
import { sentenceOf } from '../src/sentences.js';

const fullName = (lover: CoffeeLover) => `${lover.firstName} ${lover.lastName}`;

/** The coffee lover at the counter: found by the email address they give, or registered here and now. */
export function CustomerPicker(props: { onChoose: (coffeeLover: CoffeeLover) => void }) {
  const [registering, setRegistering] = useState(false);
  return registering ? (
    <RegisterForm onRegistered={props.onChoose} onCancel={() => setRegistering(false)} />
  ) : (
    <>
      <FindForm onChoose={props.onChoose} />
      <p className="till-or">
        New here?{' '}
        <Button kind="secondary" onClick={() => setRegistering(true)}>
          Register a coffee lover
        </Button>
      </p>
      <p className="tw-hint">
        Without a coffee lover, a sale earns no stamps and cannot be paid with CoffeeBux.
      </p>
    </>
  );
}

function FindForm(props: { onChoose: (coffeeLover: CoffeeLover) => void }) {
  const [email, setEmail] = useState('');
  const [found, setFound] = useState<readonly CoffeeLover[]>();
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const find = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldError(undefined);
    try {
      const page = await ask<CoffeeLoversPage>(() =>
        api.GET('/coffeeco/api/coffee-shops/coffee-lovers', { params: { query: { email, limit: 20 } } }),
      );
      if (page.coffeeLovers.length === 1) props.onChoose(page.coffeeLovers[0]!);
      else setFound(page.coffeeLovers);
    } catch (problem) {
      const field = problem instanceof ApiProblem ? problem.fieldError('email') : undefined;
      if (field) setFieldError('Enter an email address, like name@example.com.');
      else setError(sentenceOf(problem));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="tw-form" aria-label="Find a coffee lover" onSubmit={find}>
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Their email address"
        type="email"
        autoComplete="off"
        required
        value={email}
        error={fieldError}
        onChange={(event) => setEmail(event.target.value)}
      />
      <Button type="submit" busy={busy}>
        Find
      </Button>
      {found && found.length === 0 ? (
        <p role="status">Nobody has registered with that email address.</p>
      ) : null}
      {found && found.length > 1 ? (
        <ul className="tw-list" aria-label="Coffee lovers with that email address">
          {found.map((lover) => (
            <li key={lover.id}>
              <Button kind="secondary" onClick={() => props.onChoose(lover)}>
                {fullName(lover)}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}

const REGISTER_FIELDS = ['firstName', 'lastName', 'email', 'username', 'password'] as const;
type RegisterField = (typeof REGISTER_FIELDS)[number];

/** A till may register a coffee lover (the route is open to anyone); they choose their own login. */
function RegisterForm(props: { onRegistered: (coffeeLover: CoffeeLover) => void; onCancel: () => void }) {
  const [values, setValues] = useState<Record<RegisterField, string>>({
    firstName: '',
    lastName: '',
    email: '',
    username: '',
    password: '',
  });
  const [errors, setErrors] = useState<Partial<Record<RegisterField, string>>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const field = (name: RegisterField) => ({
    name,
    value: values[name],
    error: errors[name],
    required: true,
    onChange: (event: { target: { value: string } }) => setValues({ ...values, [name]: event.target.value }),
  });
  const register = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setErrors({});
    try {
      const { id } = await ask<{ id: string }>(() =>
        api.POST('/coffeeco/api/coffee-shops/coffee-lovers', { body: values }),
      );
      const { coffeeLover } = await ask<{ coffeeLover: CoffeeLover }>(() =>
        api.GET('/coffeeco/api/coffee-shops/coffee-lovers/{coffeeLoverId}', {
          params: { path: { coffeeLoverId: id } },
        }),
      );
      props.onRegistered(coffeeLover);
    } catch (problem) {
      // The server names each field it refuses: its message goes next to the field, the sentence above.
      if (problem instanceof ApiProblem) {
        setErrors(
          Object.fromEntries(
            REGISTER_FIELDS.flatMap((name) => {
              const message = problem.fieldError(name);
              return message ? [[name, message]] : [];
            }),
          ),
        );
      }
      setError(sentenceOf(problem));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="tw-form" aria-label="Register a coffee lover" onSubmit={register}>
      {error ? <Alert>{error}</Alert> : null}
      <Field label="First name" autoComplete="off" {...field('firstName')} />
      <Field label="Last name" autoComplete="off" {...field('lastName')} />
      <Field label="Email address" type="email" autoComplete="off" {...field('email')} />
      <Field
        label="Username"
        hint="3 to 64 letters, digits, or . _ @ -"
        autoComplete="off"
        {...field('username')}
      />
      <Field
        label="Password"
        hint="At least 8 characters; the coffee lover types it"
        type="password"
        autoComplete="new-password"
        {...field('password')}
      />
      <div className="tw-row">
        <Button type="submit" busy={busy}>
          Register
        </Button>
        <Button kind="secondary" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** The chosen coffee lover, and the way back to choosing another. */
export function CustomerBadge(props: { coffeeLover: CoffeeLover; onClear?: (() => void) | undefined }) {
  return (
    <div className="till-customer-badge">
      <p>
        <strong>{fullName(props.coffeeLover)}</strong>
        <br />
        <span className="tw-hint">{props.coffeeLover.email}</span>
      </p>
      {props.onClear ? (
        <Button kind="secondary" onClick={props.onClear}>
          Another coffee lover
        </Button>
      ) : null}
    </div>
  );
}
