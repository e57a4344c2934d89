import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier, InvalidTokenError } from '../../src/identity/index.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'tessera-test';

describe('the token verifier keeps a checked token a while (ADR 0050), and still refuses what it must', () => {
  let sign: (claims: { sid?: string }, expiresIn: string) => Promise<string>;
  let keys: JSONWebKeySet;
  let otherKeys: JSONWebKeySet;

  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA', { extractable: true });
    const other = await generateKeyPair('EdDSA', { extractable: true });
    keys = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'EdDSA' }] };
    otherKeys = { keys: [{ ...(await exportJWK(other.publicKey)), kid: 'k2', alg: 'EdDSA' }] };
    sign = (claims, expiresIn) =>
      new SignJWT({ roles: ['customer'], ...claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('customer-1')
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(pair.privateKey);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const verifierOver = (current: () => JSONWebKeySet, isRevoked?: (session: string) => Promise<boolean>) =>
    createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: async () => current(),
      rolesClaim: 'roles',
      ...(isRevoked ? { isRevoked } : {}),
    });

  it('answers the same principal for a token it has checked before', async () => {
    const verifier = verifierOver(() => keys);
    const token = await sign({}, '5m');
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toEqual(first);
    expect(first).toMatchObject({ subject: 'customer-1', roles: ['customer'] });
  });

  it('refuses a checked token once it has expired', async () => {
    const verifier = verifierOver(() => keys);
    const token = await sign({}, '30s');
    await verifier.verify(token);
    vi.useFakeTimers({ now: Date.now() + 31_000 });
    await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('the token has expired'));
  });

  it('checks a token again once its keys have changed: a key taken out of the set no longer signs', async () => {
    let current = keys;
    const verifier = verifierOver(() => current);
    const token = await sign({}, '5m');
    await verifier.verify(token);
    current = otherKeys;
    await expect(verifier.verify(token)).rejects.toThrow(
      new InvalidTokenError('the token is not signed by a key this service trusts'),
    );
  });

  it("asks about the token's session at every use: a revocation counts at once", async () => {
    let revoked = false;
    const verifier = verifierOver(
      () => keys,
      async () => revoked,
    );
    const token = await sign({ sid: 'session-1' }, '5m');
    await verifier.verify(token);
    revoked = true;
    await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('the token has been revoked'));
  });
});
