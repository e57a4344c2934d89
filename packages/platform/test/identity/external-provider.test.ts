import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Host, loadConfig, startHost } from '@tessera/platform/runtime';
import { type OpenedTestDatabase, pgliteTestDatabase } from '@tessera/platform/testing';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A process pointed at an external OpenID Connect provider by configuration alone (AUTH_ISSUER, AUTH_JWKS_URL,
 * AUTH_ROLES_CLAIM): it checks that provider's tokens against its published keys, finds the roles where the
 * provider puts them, and runs no provider of its own.
 */
describe('an external OpenID Connect provider', () => {
  const issuer = 'https://login.example.com/realms/mall';
  let jwks: Server;
  let host: Host;
  let opened: OpenedTestDatabase;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let providerKey: Parameters<SignJWT['sign']>[0];

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    providerKey = privateKey;
    const published = {
      keys: [{ ...(await exportJWK(publicKey)), kid: 'realm-key', alg: 'RS256', use: 'sig' }],
    };
    jwks = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(published));
    });
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/protocol/openid-connect/certs`;
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'realm-key' })
        .setIssuer(issuer)
        .setAudience('mall-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    opened = await pgliteTestDatabase.open();
    const config = loadConfig({
      AUTH_ISSUER: issuer,
      AUTH_JWKS_URL: jwksUrl,
      AUTH_AUDIENCE: 'mall-api',
      AUTH_ROLES_CLAIM: 'realm_access.roles',
    });
    host = await startHost({
      name: 'External',
      version: 'test',
      modules: [],
      db: opened.db,
      config: { ...config, port: 0, host: '127.0.0.1', logLevel: 'silent', logFormat: 'json' },
    });
  });
  afterAll(async () => {
    await host?.stop();
    await opened?.close();
    await new Promise((done) => jwks?.close(done));
  });

  const lag = (token: string) =>
    host.http.inject({
      method: 'GET',
      url: '/admin/messaging/lag',
      headers: { authorization: `Bearer ${token}` },
    });

  it("admits the provider's token, with the roles from the configured claim", async () => {
    const token = await sign({ sub: 'u-1', realm_access: { roles: ['operator'] } });
    expect((await lag(token)).statusCode).toBe(200);
    const customer = await sign({ sub: 'u-2', realm_access: { roles: ['customer'] } });
    expect((await lag(customer)).statusCode).toBe(403);
    const elsewhere = await sign({ sub: 'u-3', roles: ['operator'] });
    expect((await lag(elsewhere)).statusCode, 'roles in another claim are not roles here').toBe(403);
  });

  it("refuses a token of another issuer or audience, even signed with the provider's key", async () => {
    const wrongAudience = await new SignJWT({ sub: 'u-1', realm_access: { roles: ['operator'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'realm-key' })
      .setIssuer(issuer)
      .setAudience('another-api')
      .setExpirationTime('5m')
      .sign(providerKey);
    const wrongIssuer = await new SignJWT({ sub: 'u-1', realm_access: { roles: ['operator'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'realm-key' })
      .setIssuer('https://login.example.com/realms/other')
      .setAudience('mall-api')
      .setExpirationTime('5m')
      .sign(providerKey);
    for (const token of [wrongAudience, wrongIssuer]) {
      const refused = await lag(token);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'invalid_token' });
    }
  });

  it('runs no provider of its own: no token endpoint, no accounts', async () => {
    expect(host.identity).toBeUndefined();
    expect((await host.http.inject({ method: 'POST', url: '/oauth/token' })).statusCode).toBe(404);
    expect((await host.http.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(404);
  });
});
