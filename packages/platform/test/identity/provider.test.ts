import { randomUUID } from 'node:crypto';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built-in provider as its clients see it: discovery, the token endpoint's three grants, rotation and
 * reuse of refresh tokens, revocation, web sessions with their CSRF token, accounts and the first operator.
 */
describe('the built-in identity provider', () => {
  let api: TestHost;
  const person = { username: 'ada.lovelace', password: 'correct horse battery' };
  const subject = randomUUID();

  const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    api.host.http.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
  const asBearer = (token: string) =>
    api.host.http.inject({
      method: 'GET',
      url: '/admin/messaging/lag',
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, []);
    await api.host.identity!.accounts.register({ subject, roles: ['operator'], ...person });
    await api.host.identity!.registerClient('robot-7', 'a-robot-secret-of-some-length', ['robot']);
  });
  afterAll(() => api?.close());

  it('publishes OpenID Connect discovery and the keys its tokens are signed with', async () => {
    const discovery = (await api.call('GET', '/.well-known/openid-configuration')).json<{
      issuer: string;
      token_endpoint: string;
      jwks_uri: string;
      grant_types_supported: string[];
    }>();
    expect(discovery.issuer).toBe(api.host.url);
    expect(discovery.token_endpoint).toBe(`${api.host.url}/oauth/token`);
    expect(discovery.grant_types_supported).toEqual(['password', 'client_credentials', 'refresh_token']);
    const { keys } = (await api.call('GET', '/.well-known/jwks.json')).json<{
      keys: Array<Record<string, string>>;
    }>();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(keys[0], 'the private part is never published').not.toHaveProperty('d');
  });

  it('keeps only a memory-hard hash of a password', async () => {
    const { rows } = await api.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM identity.accounts WHERE username = $1',
      [person.username],
    );
    const stored = rows[0]!.password_hash;
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(stored).not.toContain(person.password);
    const provider = api.host.identity!;
    expect(await provider.passwordGrant(person.username, person.password)).toBeDefined();
    expect(await provider.passwordGrant(person.username, 'correct horse battery!')).toBeUndefined();
  });

  it('gives a person tokens for their password, naming them and their roles, and refuses a wrong one', async () => {
    const granted = await form('/oauth/token', { grant_type: 'password', ...person });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.headers['cache-control']).toBe('no-store');
    const tokens = granted.json<{
      access_token: string;
      refresh_token: string;
      token_type: string;
      expires_in: number;
    }>();
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBe(15 * 60);
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: subject,
      roles: ['operator'],
      preferred_username: person.username,
      iss: api.host.url,
      aud: 'tessera',
    });
    expect((await asBearer(tokens.access_token)).statusCode).toBe(200);

    for (const wrong of [
      { username: person.username, password: 'not it at all' },
      { username: 'nobody.here', password: person.password },
    ]) {
      const refused = await form('/oauth/token', { grant_type: 'password', ...wrong });
      expect(refused.statusCode).toBe(400);
      // The same answer whichever was wrong: it does not tell whether the username exists.
      expect(refused.json()).toMatchObject({
        error: 'invalid_grant',
        error_description: 'the username or password is wrong',
      });
    }
  });

  it('gives a robot a token for its client credential, by HTTP Basic or in the form, and refuses a wrong one', async () => {
    const basic = `Basic ${Buffer.from('robot-7:a-robot-secret-of-some-length').toString('base64')}`;
    const byBasic = await form(
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic },
    );
    expect(byBasic.statusCode, byBasic.body).toBe(200);
    const token = byBasic.json<{ access_token: string; refresh_token?: string }>();
    expect(token.refresh_token, 'a client asks again instead').toBeUndefined();
    expect(decodeJwt(token.access_token)).toMatchObject({
      sub: 'robot-7',
      client_id: 'robot-7',
      roles: ['robot'],
    });
    const inForm = await form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'robot-7',
      client_secret: 'a-robot-secret-of-some-length',
    });
    expect(inForm.statusCode).toBe(200);
    const wrong = await form('/oauth/token', {
      grant_type: 'client_credentials',
      client_id: 'robot-7',
      client_secret: 'guessed',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    const none = await form('/oauth/token', { grant_type: 'client_credentials' });
    expect(none.json()).toMatchObject({ error: 'invalid_client' });
    const { rows } = await api.db.query<{ secret_hash: string }>(
      "SELECT secret_hash FROM identity.clients WHERE client_id = 'robot-7'",
    );
    expect(rows[0]!.secret_hash).not.toContain('a-robot-secret');
  });

  it('answers a grant it does not know, or a malformed request, as RFC 6749 says', async () => {
    const unknown = await form('/oauth/token', { grant_type: 'authorization_code', code: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_request' });
    const missing = await form('/oauth/token', { grant_type: 'password', username: person.username });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('rotates a refresh token on each use, and ends the session when a used one comes back', async () => {
    const first = (await form('/oauth/token', { grant_type: 'password', ...person })).json<{
      access_token: string;
      refresh_token: string;
    }>();
    const second = await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(second.statusCode, second.body).toBe(200);
    const renewed = second.json<{ access_token: string; refresh_token: string }>();
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(renewed.access_token).sid).toBe(decodeJwt(first.access_token).sid);
    expect((await asBearer(renewed.access_token)).statusCode).toBe(200);

    // The first one again: stolen or replayed. The whole session ends, the thief's and the owner's tokens.
    const replayed = await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    });
    expect(replayed.statusCode).toBe(400);
    expect(replayed.json()).toMatchObject({ error: 'invalid_grant' });
    const after = await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: renewed.refresh_token,
    });
    expect(after.statusCode).toBe(400);
    const refused = await asBearer(renewed.access_token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'invalid_token', detail: 'the token has been revoked' });
  });

  it('revokes a session by its refresh token: its access tokens stop working at once', async () => {
    const tokens = (await form('/oauth/token', { grant_type: 'password', ...person })).json<{
      access_token: string;
      refresh_token: string;
    }>();
    expect((await asBearer(tokens.access_token)).statusCode).toBe(200);
    const revoked = await form('/oauth/revoke', { token: tokens.refresh_token });
    expect(revoked.statusCode).toBe(200);
    expect((await asBearer(tokens.access_token)).statusCode).toBe(401);
    const refresh = await form('/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.statusCode).toBe(400);
    // RFC 7009: a token it does not know is answered as revoked.
    expect((await form('/oauth/revoke', { token: 'never-issued' })).statusCode).toBe(200);
  });

  it('logs a web page in with HttpOnly SameSite cookies, and its changes must echo the CSRF token', async () => {
    const login = await api.host.http.inject({ method: 'POST', url: '/auth/login', payload: person });
    expect(login.statusCode, login.body).toBe(200);
    const { csrfToken } = login.json<{ csrfToken: string }>();
    const cookies = Object.fromEntries(login.cookies.map((cookie) => [cookie.name, cookie]));
    expect(cookies.tessera_session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookies.tessera_refresh).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' });
    expect(cookies.tessera_csrf).toMatchObject({ value: csrfToken, sameSite: 'Strict' });
    expect(cookies.tessera_csrf?.httpOnly).toBeFalsy();
    const session = { tessera_session: cookies.tessera_session!.value };

    const who = await api.host.http.inject({ method: 'GET', url: '/auth/session', cookies: session });
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json()).toMatchObject({ kind: 'person', name: person.username, roles: expect.any(Array) });
    const nobody = await api.host.http.inject({ method: 'GET', url: '/auth/session' });
    expect(nobody.statusCode).toBe(401);
    expect(nobody.json()).toMatchObject({ code: 'unauthenticated' });
    const read = await api.host.http.inject({ method: 'GET', url: '/admin/messaging/lag', cookies: session });
    expect(read.statusCode).toBe(200);
    const redrive = (headers: Record<string, string>) =>
      api.host.http.inject({
        method: 'POST',
        url: '/admin/messaging/dead-letters/redrive',
        cookies: session,
        headers,
        payload: { ids: [randomUUID()] },
      });
    const forged = await redrive({});
    expect(forged.statusCode, 'a change from another site carries the cookie but not the token').toBe(403);
    expect(forged.json()).toMatchObject({ code: 'csrf' });
    expect((await redrive({ 'x-csrf-token': 'guessed' })).statusCode).toBe(403);
    expect((await redrive({ 'x-csrf-token': csrfToken })).statusCode).toBe(200);

    const refreshed = await api.host.http.inject({
      method: 'POST',
      url: '/auth/refresh',
      cookies: { tessera_refresh: cookies.tessera_refresh!.value },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const logout = await api.host.http.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { ...session, tessera_refresh: cookies.tessera_refresh!.value },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((cookie) => cookie.name === 'tessera_session')?.value).toBe('');
    // An ended session's cookie leaves the page anonymous: the operators' route then wants a credential.
    const after = await api.host.http.inject({
      method: 'GET',
      url: '/admin/messaging/lag',
      cookies: session,
    });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong password at login with 401, and sets no cookie', async () => {
    const login = await api.host.http.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: person.username, password: 'wrong password' },
    });
    expect(login.statusCode).toBe(401);
    expect(login.cookies).toEqual([]);
  });

  it('opens accounts once per username, with a clear error for a taken or weak one', async () => {
    const accounts = api.host.identity!.accounts;
    await expect(
      accounts.register({
        subject: randomUUID(),
        username: person.username,
        password: 'another password',
        roles: [],
      }),
    ).rejects.toMatchObject({ kind: 'already_exists', code: 'username_taken', field: 'username' });
    await expect(
      accounts.register({ subject: randomUUID(), username: 'x', password: 'long enough', roles: [] }),
    ).rejects.toMatchObject({ kind: 'invalid_argument', field: 'username' });
    await expect(
      accounts.register({ subject: randomUUID(), username: 'short.password', password: 'short', roles: [] }),
    ).rejects.toMatchObject({ kind: 'invalid_argument', field: 'password' });
  });

  it('opens accounts for services only over HTTP, never an operator', async () => {
    const service = await api.tokenFor({ subject: 'services', roles: ['service'], client: true });
    const open = (roles: string[]) =>
      api.host.http.inject({
        method: 'POST',
        url: '/identity/accounts',
        headers: { authorization: `Bearer ${service}` },
        payload: {
          subject: randomUUID(),
          username: `svc.${randomUUID().slice(0, 8)}`,
          password: 'a fine password',
          roles,
        },
      });
    expect((await open(['customer'])).statusCode).toBe(204);
    expect((await open(['customer', 'operator'])).statusCode).toBe(403);
  });

  it('makes the first operator from the environment, or generates one and prints it once', async () => {
    const printed: string[] = [];
    const provider = api.host.identity!;
    await provider.ensureOperator({}, (line) => printed.push(line));
    // Ada is an operator already (beforeAll): nothing is generated.
    expect(printed).toEqual([]);
    await provider.ensureOperator({ username: 'root.user', password: 'a long operator password' }, (line) =>
      printed.push(line),
    );
    const login = await form('/oauth/token', {
      grant_type: 'password',
      username: 'root.user',
      password: 'a long operator password',
    });
    expect(decodeJwt(login.json<{ access_token: string }>().access_token).roles).toEqual(['operator']);
    expect(printed).toEqual([]);
  });
});

describe('the first start of a database with no operator', () => {
  it('generates an operator, prints the credentials once, and they work', async () => {
    const api = await startTestHost(pgliteTestDatabase, []);
    try {
      const printed: string[] = [];
      const generated = await api.host.identity!.ensureOperator({}, (line) => printed.push(line));
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain(`operator / ${generated}`);
      await api.host.identity!.ensureOperator({}, (line) => printed.push(line));
      expect(printed, 'once only').toHaveLength(1);
      const tokens = await api.host.identity!.passwordGrant('operator', generated!);
      expect(tokens && decodeJwt(tokens.access_token).roles).toEqual(['operator']);
    } finally {
      await api.close();
    }
  });
});
