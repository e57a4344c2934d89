import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { Principal } from './principal.js';

/** Asymmetric algorithms only: `none` and shared-secret HMAC tokens are refused whatever their header says. */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256', 'ES384', 'RS256', 'PS256'];

export interface VerifierOptions {
  /** The issuer tokens must name; a function when it is known only once the server listens. */
  readonly issuer: string | (() => string);
  readonly audience: string;
  /** The keys: a JWKS URL (an OpenID Connect provider's `jwks_uri`) or the built-in provider's key set. */
  readonly keys: URL | (() => Promise<JSONWebKeySet>);
  /** Where the roles are in the claims, a dot path (`roles`, `realm_access.roles`). */
  readonly rolesClaim: string;
  /** True when the token's session has been revoked (the built-in provider knows; others rely on expiry). */
  readonly isRevoked?: (session: string) => Promise<boolean>;
}

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export interface TokenVerifier {
  /** The principal a bearer token stands for; an InvalidTokenError for a token that is not good (why). */
  verify(token: string): Promise<Principal>;
}

/**
 * How long a token whose signature and claims were checked is taken as checked: a client sends the same
 * token with every request, and checking its signature again was the most expensive thing the process did
 * for a request (ADR 0050). Below the minutes a remote key set is cached for anyway.
 */
const VERIFIED_FOR_MS = 60_000;
const MAX_VERIFIED = 10_000;

/** jose's own test of a token's times (no clock tolerance): not expired, and not before its `nbf`. */
function inTime(payload: JWTPayload, nowMs: number): boolean {
  const now = Math.floor(nowMs / 1000);
  return (
    (payload.exp === undefined || payload.exp > now) && (payload.nbf === undefined || payload.nbf <= now)
  );
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  let local: { keys: JSONWebKeySet; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  const remote = options.keys instanceof URL ? createRemoteJWKSet(options.keys) : undefined;
  const keySet = async () => {
    if (remote) return remote;
    const keys = await (options.keys as () => Promise<JSONWebKeySet>)();
    if (local?.keys !== keys) local = { keys, set: createLocalJWKSet(keys) };
    return local.set;
  };
  /** Checked tokens: each use still tests its times and its session; another key set (rotated) checks again. */
  const verified = new Map<string, { payload: JWTPayload; keys: unknown; issuer: string; at: number }>();
  return {
    async verify(token) {
      let keys: Awaited<ReturnType<typeof keySet>>;
      try {
        keys = await keySet();
      } catch (error) {
        throw new InvalidTokenError(reasonOf(error), { cause: error });
      }
      const issuer = typeof options.issuer === 'string' ? options.issuer : options.issuer();
      const now = Date.now();
      const known = verified.get(token);
      let payload: JWTPayload;
      if (
        known &&
        known.keys === keys &&
        known.issuer === issuer &&
        now - known.at < VERIFIED_FOR_MS &&
        inTime(known.payload, now)
      ) {
        payload = known.payload;
      } else {
        try {
          ({ payload } = await jwtVerify(token, keys, {
            issuer,
            audience: options.audience,
            algorithms: ACCEPTED_ALGORITHMS,
          }));
        } catch (error) {
          verified.delete(token);
          throw new InvalidTokenError(reasonOf(error), { cause: error });
        }
        if (verified.size >= MAX_VERIFIED) verified.clear();
        verified.set(token, { payload, keys, issuer, at: now });
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new InvalidTokenError('the token names no subject');
      }
      const session = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (session && (await options.isRevoked?.(session))) {
        throw new InvalidTokenError('the token has been revoked');
      }
      const roles = claimAt(payload, options.rolesClaim);
      return {
        subject: payload.sub,
        kind: payload.client_id !== undefined && payload.client_id === payload.sub ? 'client' : 'person',
        roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [],
        ...(typeof payload.preferred_username === 'string' && { name: payload.preferred_username }),
        ...(session && { session }),
        ...(typeof payload.csrf === 'string' && { csrf: payload.csrf }),
      };
    },
  };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** A reason a client can act on, without echoing the token. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return 'the token is not signed by a key this service trusts';
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSENotSupported) {
    return 'the token could not be checked';
  }
  return 'the token is malformed';
}
