import { Alert, Button, Field, must } from '@tessera/web';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { paths } from '../../src/api.js';
import { api } from '../../src/api.js';
import { said, useAction } from './actions.js';

type StaffRole = NonNullable<
  paths['/identity/staff']['post']['requestBody']
>['content']['application/json']['roles'][number];
type StaffAccount = { subject: string; username: string; roles: string[] };

/** The staff roles MallBots declares (the API's enum: a role it does not know does not compile here). */
const ROLES: Record<StaffRole, string> = {
  'store-manager': 'Store manager: stores and catalogues',
  'depot-staff': 'Depot staff: the depot live, orders, cancels',
};

/** Operators open the logins of store managers and depot staff, and see who has one (ADR 0040). */
export function StaffScreen() {
  const [staff, setStaff] = useState<StaffAccount[]>();
  const [failed, setFailed] = useState<string>();
  const reload = useCallback(async () => {
    try {
      const all: StaffAccount[] = [];
      let after: string | undefined;
      do {
        const page = await must(() =>
          api.GET('/identity/staff', { params: { query: { limit: 100, ...(after && { after }) } } }),
        );
        all.push(...page.staff);
        after = page.next;
      } while (after);
      setStaff(all);
    } catch (error) {
      setFailed(said(error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <>
      <NewStaffAccount onOpened={reload} />
      <h2>Who has a staff login</h2>
      {failed ? <Alert>{failed}</Alert> : null}
      {staff && staff.length === 0 ? <p>No staff login yet.</p> : null}
      {staff && staff.length > 0 ? (
        <table className="tw-table">
          <caption>Staff logins, by username</caption>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Roles</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((account) => (
              <tr key={account.subject}>
                <th scope="row">{account.username}</th>
                <td>{account.roles.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function NewStaffAccount(props: { onOpened: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [opened, setOpened] = useState<string>();
  const { busy, problem, run } = useAction(['username', 'password', 'roles']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOpened(undefined);
    const done = await run(() =>
      must(() => api.POST('/identity/staff', { body: { username, password, roles } })),
    );
    if (done) {
      setOpened(`${username} can log in now.`);
      setUsername('');
      setPassword('');
      setRoles([]);
      await props.onOpened();
    }
  };
  const rolesError = problem?.field('roles');
  return (
    <form className="tw-form" aria-labelledby="new-staff" onSubmit={submit} noValidate>
      <h2 id="new-staff">Open a staff login</h2>
      {problem ? <Alert>{problem.message}</Alert> : null}
      {opened ? <Alert kind="success">{opened}</Alert> : null}
      <Field
        label="Username"
        autoComplete="off"
        value={username}
        onChange={(event) => setUsername(event.target.value)}
        error={problem?.field('username')}
      />
      <Field
        label="First password"
        hint="8 characters or more; give it to them in person"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={problem?.field('password')}
      />
      <fieldset className="tw-field" aria-describedby={rolesError ? 'staff-roles-error' : undefined}>
        <legend>Roles</legend>
        {(Object.keys(ROLES) as StaffRole[]).map((role) => (
          <label key={role} className="tw-row">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={(event) =>
                setRoles((chosen) =>
                  event.target.checked ? [...chosen, role] : chosen.filter((held) => held !== role),
                )
              }
            />
            {ROLES[role]}
          </label>
        ))}
        {rolesError ? (
          <span id="staff-roles-error" className="tw-error" role="alert">
            {rolesError}
          </span>
        ) : null}
      </fieldset>
      <Button type="submit" busy={busy}>
        Open the login
      </Button>
    </form>
  );
}
