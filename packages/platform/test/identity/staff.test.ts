import { randomUUID } from 'node:crypto';
import { defineRoles } from '@tessera/platform/identity';
import type { Module } from '@tessera/platform/runtime';
import { expectProblem, pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const shopRoles = defineRoles({
  clerk: { description: 'Works the till' },
  stockKeeper: { description: 'Keeps the stock' },
  shopper: { description: 'Buys, and sees only their own', own: true },
});
/** A module whose contract declares staff roles and a role restricted to its own. */
const shop: Module = {
  name: 'shop',
  description: 'A shop',
  migrations: [],
  roles: Object.values(shopRoles),
  start: async () => ({}),
};

/** Staff accounts (ADR 0040): opened by an operator with the roles the applications declare for staff. */
describe("the built-in provider's staff accounts", () => {
  let api: TestHost;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [shop]);
  }, 60_000);
  afterAll(() => api?.close());

  const username = () => `staff.${randomUUID().slice(0, 8)}`;
  const password = 'a long enough password';
  const open = (body: Record<string, unknown>) => api.call('POST', '/identity/staff', body);

  it('opens an account an operator asks for: the person logs in with the roles given, under a subject made for them', async () => {
    const name = username();
    const response = await open({ username: name, password, roles: ['stock-keeper', 'clerk'] });
    expect(response.statusCode, response.body).toBe(201);
    const account = response.json<{ subject: string; username: string; roles: string[] }>();
    expect(account).toEqual({
      subject: expect.stringMatching(/^staff:[0-9a-f-]{36}$/),
      username: name,
      roles: ['clerk', 'stock-keeper'],
    });

    const login = await api.host.http.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: name, password },
    });
    expect(login.statusCode, login.body).toBe(200);
    const tokens = await api.host.identity!.passwordGrant(name, password);
    const principal = await api.host.identity!.verifier.verify(tokens!.access_token);
    expect(principal).toMatchObject({ subject: account.subject, roles: ['clerk', 'stock-keeper'], name });
  });

  it('lists who holds a staff role, by username, a page at a time; never a customer, never a password', async () => {
    const names = [username(), username(), username()].sort();
    for (const name of names)
      expect((await open({ username: name, password, roles: ['clerk'] })).statusCode).toBe(201);
    await api.host.identity!.accounts.register({
      subject: randomUUID(),
      username: username(),
      password,
      roles: ['shopper'],
    });
    const staff: Array<{ username: string; roles: string[] }> = [];
    let after: string | undefined;
    do {
      const page = await api.call('GET', `/identity/staff?limit=2${after ? `&after=${after}` : ''}`);
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).not.toContain('scrypt');
      const answer = page.json<{ staff: typeof staff; next?: string }>();
      expect(answer.staff.length).toBeLessThanOrEqual(2);
      staff.push(...answer.staff);
      after = answer.next;
    } while (after);
    const listed = staff.map((account) => account.username);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(expect.arrayContaining(names));
    expect(staff.every((account) => !account.roles.includes('shopper'))).toBe(true);
    expectProblem(await api.call('GET', '/identity/staff?after=not-a-cursor'), 400, {
      field: 'querystring.after',
    });
  });

  it('refuses a username that is taken, naming it, and opens nothing', async () => {
    const name = username();
    expect((await open({ username: name, password, roles: ['clerk'] })).statusCode).toBe(201);
    expectProblem(
      await open({ username: name, password: 'another password', roles: ['stock-keeper'] }),
      409,
      {
        code: 'username_taken',
        field: 'body.username',
      },
    );
    const { rows } = await api.db.query('SELECT roles FROM identity.accounts WHERE username = $1', [name]);
    expect(rows).toEqual([{ roles: ['clerk'] }]);
  });

  it('gives only the staff roles the applications declare: never the operator, a service, or a role of their own', async () => {
    for (const role of ['operator', 'service', 'shopper', 'cashier']) {
      expectProblem(await open({ username: username(), password, roles: [role] }), 400, {
        code: 'invalid_request',
        field: 'body.roles.0',
      });
    }
    const none = expectProblem(await open({ username: username(), password, roles: [] }), 400, {
      field: 'body.roles',
    });
    expect(JSON.stringify(none.errors)).toContain('choose at least one role');
    const { rows } = await api.db.query(
      `SELECT 1 FROM identity.accounts WHERE 'operator' = ANY (roles) OR 'service' = ANY (roles)`,
    );
    expect(rows).toEqual([]);
  });

  it('names the field of a bad username or password', async () => {
    expectProblem(await open({ username: 'no spaces allowed', password, roles: ['clerk'] }), 400, {
      code: 'invalid_username',
      field: 'body.username',
    });
    expectProblem(await open({ username: username(), password: 'short', roles: ['clerk'] }), 400, {
      code: 'weak_password',
      field: 'body.password',
    });
    expectProblem(await open({ username: '', password, roles: ['clerk'] }), 400, {
      code: 'invalid_username',
      field: 'body.username',
    });
    expectProblem(await open({ username: username(), roles: ['clerk'] }), 400, { field: 'body.password' });
    expectProblem(await open({ username: username(), password, roles: ['clerk'], subject: 'mine' }), 400, {
      code: 'invalid_request',
    });
  });

  it('is for operators only: 401 without a credential, 403 for staff, services and customers', async () => {
    const body = { username: username(), password, roles: ['clerk'] };
    for (const method of ['POST', 'GET'] as const) {
      const send = (who: Parameters<TestHost['as']>[0]) =>
        api.as(who).call(method, '/identity/staff', method === 'POST' ? body : undefined);
      expectProblem(await send('anonymous'), 401, { code: 'unauthenticated' });
      for (const who of [
        { subject: 'staff:1', roles: ['clerk'] },
        { subject: 'services', roles: ['service'], client: true },
        { subject: randomUUID(), roles: ['shopper'] },
      ]) {
        expectProblem(await send(who), 403, { code: 'forbidden' });
      }
    }
    const { rows } = await api.db.query('SELECT 1 FROM identity.accounts WHERE username = $1', [
      body.username,
    ]);
    expect(rows).toEqual([]);
  });

  it('documents the roles it gives in the OpenAPI document', async () => {
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, { requestBody: unknown; description?: string }>>;
    }>();
    const post = document.paths['/identity/staff']!.post!;
    expect(JSON.stringify(post.requestBody)).toContain('"enum":["clerk","stock-keeper"]');
    expect(document.paths['/identity/staff']!.get).toBeDefined();
  });
});
