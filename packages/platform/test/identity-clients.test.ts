import {
  discoveredTokenUrl,
  remoteClients,
  SERVICE_ROLE,
  type TokenSubject,
} from '@tessera/platform/identity';
import {
  expectProblem,
  pgliteTestDatabase,
  startTestHost,
  TEST_OPERATOR,
  type TestHost,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVICE: TokenSubject = { subject: 'services', roles: [SERVICE_ROLE], client: true };
const CUSTOMER: TokenSubject = { subject: 'customer-1', roles: ['customer'] };

let api: TestHost;
beforeAll(async () => {
  api = await startTestHost(pgliteTestDatabase, []);
}, 60_000);
afterAll(() => api?.close());

/** The client_credentials grant at the token endpoint, with HTTP Basic. */
const grant = (clientId: string, secret: string) =>
  api.host.http.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    payload: 'grant_type=client_credentials',
  });

let next = 0;
const newClientId = (kind = 'robot') => `${kind}-${++next}-${crypto.randomUUID().slice(0, 8)}`;

async function made(clientId: string, roles: string[], as: TokenSubject = TEST_OPERATOR) {
  const response = await api.as(as).call('POST', '/identity/clients', { clientId, roles });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ clientId: string; clientSecret: string; roles: string[] }>();
}

describe("the clients' routes of the built-in provider", () => {
  it('makes a client whose secret, answered once, gets tokens naming the client as their subject', async () => {
    const clientId = newClientId();
    const response = await api.call('POST', '/identity/clients', { clientId, roles: ['robot'] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const answer = response.json<{ clientId: string; clientSecret: string; roles: string[] }>();
    expect(answer).toEqual({ clientId, clientSecret: expect.any(String), roles: ['robot'] });
    expect(answer.clientSecret.length).toBeGreaterThanOrEqual(32);

    const tokens = await grant(clientId, answer.clientSecret);
    expect(tokens.statusCode, tokens.body).toBe(200);
    const principal = await api.host.identity!.verifier.verify(
      tokens.json<{ access_token: string }>().access_token,
    );
    expect(principal).toMatchObject({ subject: clientId, kind: 'client', roles: ['robot'] });
    // Only its hash is kept.
    const rows = await api.db.query('SELECT secret_hash FROM identity.clients WHERE client_id = $1', [
      clientId,
    ]);
    expect(JSON.stringify(rows.rows)).not.toContain(answer.clientSecret);
  });

  it('refuses an id that is taken, by a client or by a person (the subject of their tokens)', async () => {
    const clientId = newClientId();
    await made(clientId, ['robot']);
    expectProblem(await api.call('POST', '/identity/clients', { clientId, roles: ['robot'] }), 409, {
      code: 'client_exists',
      field: 'body.clientId',
    });
    const person = crypto.randomUUID();
    await api.host.identity!.accounts.register({
      subject: person,
      username: `person-${next}`,
      password: 'a-long-enough-password',
      roles: ['customer'],
    });
    expectProblem(
      await api.call('POST', '/identity/clients', { clientId: person, roles: ['customer'] }),
      409,
      {
        code: 'client_exists',
      },
    );
  });

  it('answers the secret once: a repeated request with the same Idempotency-Key is not replayed', async () => {
    const clientId = newClientId();
    const send = async () =>
      api.host.http.inject({
        method: 'POST',
        url: '/identity/clients',
        headers: { ...(await bearer(TEST_OPERATOR)), 'idempotency-key': `make-${clientId}` },
        payload: { clientId, roles: ['robot'] },
      });
    expect((await send()).statusCode).toBe(201);
    const again = await send();
    expect(again.statusCode).toBe(409);
    expect(again.body).not.toContain('clientSecret');
  });

  it("reads a client's roles, never its secret; an unknown client is a 404", async () => {
    const clientId = newClientId();
    await made(clientId, ['robot', 'depot-staff']);
    const response = await api.call('GET', `/identity/clients/${clientId}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ clientId, roles: ['robot', 'depot-staff'] });
    expectProblem(await api.call('GET', `/identity/clients/${newClientId()}`), 404, {
      code: 'client_not_found',
    });
  });

  it('renews a secret: the new one gets tokens, the old one no longer does', async () => {
    const clientId = newClientId();
    const first = await made(clientId, ['robot']);
    const response = await api.call('POST', `/identity/clients/${clientId}/secret`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const renewed = response.json<{ clientSecret: string; roles: string[] }>();
    expect(renewed.roles).toEqual(['robot']);
    expect(renewed.clientSecret).not.toBe(first.clientSecret);
    expect((await grant(clientId, renewed.clientSecret)).statusCode).toBe(200);
    const old = await grant(clientId, first.clientSecret);
    expect(old.statusCode).toBe(401);
    expect(old.json()).toMatchObject({ error: 'invalid_client' });
    expectProblem(await api.call('POST', `/identity/clients/${newClientId()}/secret`), 404, {
      code: 'client_not_found',
    });
  });

  it('removes a client: no token for it any more, and a second removal is a 404', async () => {
    const clientId = newClientId();
    const { clientSecret } = await made(clientId, ['robot']);
    expect((await api.call('DELETE', `/identity/clients/${clientId}`)).statusCode).toBe(204);
    expect((await grant(clientId, clientSecret)).statusCode).toBe(401);
    expectProblem(await api.call('DELETE', `/identity/clients/${clientId}`), 404, {
      code: 'client_not_found',
    });
  });

  it('never makes an operator client, not even for an operator', async () => {
    expectProblem(
      await api.call('POST', '/identity/clients', { clientId: newClientId(), roles: ['robot', 'operator'] }),
      403,
      { code: 'operator_client' },
    );
  });

  it("lets a service manage robots' credentials, but not a service's", async () => {
    const service = api.as(SERVICE);
    const robot = newClientId();
    await made(robot, ['robot'], SERVICE);
    expect((await service.call('POST', `/identity/clients/${robot}/secret`)).statusCode).toBe(200);
    expect((await service.call('DELETE', `/identity/clients/${robot}`)).statusCode).toBe(204);

    expectProblem(
      await service.call('POST', '/identity/clients', {
        clientId: newClientId('svc'),
        roles: [SERVICE_ROLE],
      }),
      403,
      { code: 'service_client' },
    );
    // One an operator made stays out of its reach: it can neither renew nor remove it.
    const other = newClientId('svc');
    const { clientSecret } = await made(other, [SERVICE_ROLE]);
    expectProblem(await service.call('POST', `/identity/clients/${other}/secret`), 403, {
      code: 'service_client',
    });
    expectProblem(await service.call('DELETE', `/identity/clients/${other}`), 403, {
      code: 'service_client',
    });
    expect((await grant(other, clientSecret)).statusCode).toBe(200);
  });

  it('admits only operators and services: 401 without a credential, 403 for anyone else', async () => {
    const body = { clientId: newClientId(), roles: ['robot'] };
    expectProblem(await api.as('anonymous').call('POST', '/identity/clients', body), 401, {
      code: 'unauthenticated',
    });
    const customer = api.as(CUSTOMER);
    expectProblem(await customer.call('POST', '/identity/clients', body), 403, { code: 'forbidden' });
    expectProblem(await customer.call('GET', `/identity/clients/${body.clientId}`), 403, {
      code: 'forbidden',
    });
    expectProblem(await customer.call('POST', `/identity/clients/${body.clientId}/secret`), 403, {
      code: 'forbidden',
    });
    expectProblem(await customer.call('DELETE', `/identity/clients/${body.clientId}`), 403, {
      code: 'forbidden',
    });
    expectProblem(await api.call('GET', `/identity/clients/${body.clientId}`), 404, {
      code: 'client_not_found',
    });
  });

  it.each([
    [{ clientId: 'has space', roles: ['robot'] }, 'body.clientId'],
    [{ clientId: 'x'.repeat(129), roles: ['robot'] }, 'body.clientId'],
    [{ clientId: 'ok', roles: [] }, 'body.roles'],
    [{ clientId: 'ok', roles: ['no spaces'] }, 'body.roles.0'],
    [{ clientId: 'ok', roles: ['robot'], secret: 'chosen' }, 'body.secret'],
  ])('refuses %j, naming %s', async (body, field) => {
    expectProblem(await api.call('POST', '/identity/clients', body), 400, { code: 'invalid_request', field });
  });
});

async function bearer(who: TokenSubject) {
  return { authorization: `Bearer ${await api.tokenFor(who)}` };
}

describe('remoteClients, over HTTP', () => {
  const clients = () => remoteClients({ identityUrl: api.host.url, token: () => api.tokenFor(SERVICE) });

  it('makes a client, and renews a secret of the same roles on the next start (the old one then fails)', async () => {
    const clientId = newClientId();
    const first = await clients().credential(clientId, ['robot']);
    expect(first.clientId).toBe(clientId);
    expect((await grant(clientId, first.clientSecret)).statusCode).toBe(200);
    const second = await clients().credential(clientId, ['robot']);
    expect(second.clientSecret).not.toBe(first.clientSecret);
    expect((await grant(clientId, second.clientSecret)).statusCode).toBe(200);
    expect((await grant(clientId, first.clientSecret)).statusCode).toBe(401);
  });

  it("refuses to renew a client of that id with other roles: it is someone else's", async () => {
    const clientId = newClientId();
    const theirs = await made(clientId, ['depot-staff']);
    await expect(clients().credential(clientId, ['robot'])).rejects.toThrow(
      `the client ${clientId} exists with the roles depot-staff, not robot`,
    );
    expect((await grant(clientId, theirs.clientSecret)).statusCode).toBe(200);
  });

  it("says why when the provider refuses (a service asking for a service's credential)", async () => {
    await expect(clients().credential(newClientId(), [SERVICE_ROLE])).rejects.toThrow(
      /refused .*\(403\).*service_client/,
    );
  });

  it('removes a client, and answers false for one that is gone', async () => {
    const clientId = newClientId();
    await clients().credential(clientId, ['robot']);
    expect(await clients().remove(clientId)).toBe(true);
    expect(await clients().remove(clientId)).toBe(false);
  });
});

describe('discoveredTokenUrl', () => {
  it("reads the token endpoint from the provider's discovery document", async () => {
    expect(await discoveredTokenUrl(`${api.host.url}/`)()).toBe(`${api.host.url}/oauth/token`);
  });

  it('fails, naming the document, when there is none, and looks again on the next call', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input) => {
      calls++;
      return calls === 1 ? new Response('no', { status: 404 }) : fetch(input);
    };
    const lookUp = discoveredTokenUrl(api.host.url, flaky);
    await expect(lookUp()).rejects.toThrow(`${api.host.url}/.well-known/openid-configuration) answered 404`);
    expect(await lookUp()).toBe(`${api.host.url}/oauth/token`);
    expect(await lookUp()).toBe(`${api.host.url}/oauth/token`);
    expect(calls).toBe(2);
  });

  it('fails when the document names no token endpoint', async () => {
    const bare: typeof fetch = async () => Response.json({ issuer: 'x' });
    await expect(discoveredTokenUrl('http://idp.example', bare)()).rejects.toThrow('names no token_endpoint');
  });
});
