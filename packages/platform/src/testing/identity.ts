import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier, type TokenSubject, type TokenVerifier } from '../identity/index.js';

/** Tokens and their verifier with no database and no host: for servers tested alone (an RPC server). */
export interface TestIdentity {
  /** Accepts the tokens `tokenFor` signs, and no other. */
  readonly verifier: TokenVerifier;
  /** A bearer token for `who`, as the built-in provider would issue it (a client's `client_id` included). */
  tokenFor(who: TokenSubject): Promise<string>;
}

const ISSUER = 'http://test.identity';
const AUDIENCE = 'tessera';

/** A throwaway Ed25519 key: each call is an issuer of its own, whose tokens the others' verifiers refuse. */
export async function testIdentity(): Promise<TestIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const keys = { keys: [{ ...(await exportJWK(publicKey)), kid: 'test', alg: 'EdDSA', use: 'sig' }] };
  return {
    verifier: createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: async () => keys,
      rolesClaim: 'roles',
    }),
    tokenFor: (who) =>
      new SignJWT({
        roles: [...who.roles],
        ...(who.username && { preferred_username: who.username }),
        ...(who.client && { client_id: who.subject }),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'test' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(who.subject)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(privateKey),
  };
}
