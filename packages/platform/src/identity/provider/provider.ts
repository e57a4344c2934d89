import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { alreadyExists, invalidArgument, type PageRequest, pageOf } from '../../ddd/index.js';
import type { Logger } from '../../observability/index.js';
import type { SqlClient } from '../../sql/index.js';
import type { IdentityAccounts, NewAccount } from '../accounts.js';
import { OPERATOR_ROLE } from '../principal.js';
import { createTokenVerifier, type TokenVerifier } from '../verifier.js';
import { hashPassword, passwordMatches, UNKNOWN_USER_HASH } from './passwords.js';
import { digest, identityStore, newSecret } from './store.js';

export interface ProviderOptions {
  readonly db: SqlClient;
  /**
   * The issuer (`iss`) and the base of the discovery document: the public URL of this server or gateway; a
   * function when it is known only once the server listens.
   */
  readonly issuer: () => string;
  /** What tokens are for (`aud`), checked by every service. */
  readonly audience: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly logger: Logger;
}

/** An OAuth 2.0 token response (RFC 6749 §5.1). */
export interface Tokens {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token?: string;
  /** The session's CSRF token, for web pages (only from the login route). */
  readonly csrf?: string;
}

/** Who a token is for. */
export interface TokenSubject {
  readonly subject: string;
  readonly roles: readonly string[];
  readonly username?: string;
  /** A robot or a service authenticated by its client credential. */
  readonly client?: boolean;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{3,64}$/;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;
// How long a revocation may take to reach another process of the same database (one process sees it at once).
const REVOCATION_CACHE_MS = 5_000;

/**
 * The built-in identity provider of the embedded default: accounts with scrypt-hashed passwords, client
 * credentials for robots and services, sessions with rotated refresh tokens, and Ed25519-signed JWT access
 * tokens that any service verifies against its JWKS. Production may point at any OpenID Connect provider
 * instead (ADR 0023).
 */
export async function openIdentityProvider(options: ProviderOptions) {
  const store = identityStore(options.db);
  await store.addSigningKey('key-1', await newPrivateJwk());
  const [newest] = await store.signingKeys();
  if (!newest) throw new Error('the identity provider has no signing key');
  const signingKey = await importJWK(newest.private_jwk as JWK, 'EdDSA');
  const jwks: JSONWebKeySet = { keys: [publicJwk(newest.kid, newest.private_jwk as JWK)] };

  const revoked = new Map<string, { revoked: boolean; at: number }>();
  const isRevoked = async (session: string) => {
    const known = revoked.get(session);
    if (known && (known.revoked || Date.now() - known.at < REVOCATION_CACHE_MS)) return known.revoked;
    const answer = await store.isRevoked(session);
    if (revoked.size > 10_000) revoked.clear();
    revoked.set(session, { revoked: answer, at: Date.now() });
    return answer;
  };
  const verifier: TokenVerifier = createTokenVerifier({
    issuer: options.issuer,
    audience: options.audience,
    keys: async () => jwks,
    rolesClaim: 'roles',
    isRevoked,
  });

  async function accessToken(who: TokenSubject, session: string | undefined, csrf?: string) {
    return new SignJWT({
      roles: [...who.roles],
      ...(who.username && { preferred_username: who.username }),
      ...(who.client && { client_id: who.subject }),
      ...(session && { sid: session }),
      ...(csrf && { csrf }),
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: newest!.kid, typ: 'at+jwt' })
      .setIssuer(options.issuer())
      .setAudience(options.audience)
      .setSubject(who.subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${options.accessTtlSeconds}s`)
      .sign(signingKey);
  }

  /** Tokens for a new session: an access token and a refresh token (people), or an access token (clients). */
  async function issue(who: TokenSubject, web = false): Promise<Tokens> {
    if (who.client) {
      return {
        access_token: await accessToken(who, undefined),
        token_type: 'Bearer',
        expires_in: options.accessTtlSeconds,
      };
    }
    const session = randomUUID();
    const refresh = newSecret();
    await store.openSession(
      session,
      who.subject,
      digest(refresh),
      new Date(Date.now() + options.refreshTtlSeconds * 1000),
    );
    const csrf = web ? newSecret() : undefined;
    return {
      access_token: await accessToken(who, session, csrf),
      token_type: 'Bearer',
      expires_in: options.accessTtlSeconds,
      refresh_token: refresh,
      ...(csrf && { csrf }),
    };
  }

  const accounts: IdentityAccounts = {
    async register(account: NewAccount) {
      checkAccount(account);
      const added = await store.addAccount({
        subject: account.subject,
        username: account.username,
        password_hash: await hashPassword(account.password),
        roles: [...account.roles],
      });
      if (!added)
        throw alreadyExists('username_taken', `the username ${account.username} is taken`, 'username');
    },
  };

  return {
    verifier,
    accounts,
    issuer: options.issuer,
    audience: options.audience,
    jwks: () => jwks,
    /** Tokens for whoever the caller vouches for: the login routes, and tests acting as a role. */
    issue,
    /** The password grant: undefined for an unknown username or a wrong password (which one is not told). */
    async passwordGrant(username: string, password: string, web = false): Promise<Tokens | undefined> {
      const account = await store.accountNamed(username);
      const matches = await passwordMatches(password, account?.password_hash ?? UNKNOWN_USER_HASH);
      if (!account || !matches) return undefined;
      return issue({ subject: account.subject, roles: account.roles, username: account.username }, web);
    },
    async clientGrant(clientId: string, secret: string): Promise<Tokens | undefined> {
      const client = await store.client(clientId);
      if (!client || client.secret_hash !== digest(secret)) return undefined;
      return issue({ subject: clientId, roles: client.roles, client: true });
    },
    /** Rotates a refresh token; a token used twice ends its session. Undefined when it is not good. */
    async refreshGrant(refreshToken: string, web = false): Promise<Tokens | undefined> {
      const next = newSecret();
      const rotated = await store.rotate(digest(refreshToken), digest(next));
      if (rotated.outcome === 'reused') {
        revoked.set(rotated.id, { revoked: true, at: Date.now() });
        options.logger.warn(
          { event: 'refresh_token_reused' },
          'a refresh token was used twice: its session is revoked',
        );
      }
      if (rotated.outcome !== 'rotated') return undefined;
      const account = await store.accountOf(rotated.subject);
      if (!account) return undefined;
      const csrf = web ? newSecret() : undefined;
      return {
        access_token: await accessToken(
          { subject: account.subject, roles: account.roles, username: account.username },
          rotated.id,
          csrf,
        ),
        token_type: 'Bearer',
        expires_in: options.accessTtlSeconds,
        refresh_token: next,
        ...(csrf && { csrf }),
      };
    },
    /** Ends the session of a refresh token, or the session with that id: its tokens stop working. */
    async revoke(by: { refreshToken: string } | { session: string }) {
      const id = await store.revoke(
        'refreshToken' in by ? { refreshHash: digest(by.refreshToken) } : { id: by.session },
      );
      if (id) revoked.set(id, { revoked: true, at: Date.now() });
    },
    /** Adds a robot's or a service's credential (or renews it). */
    async registerClient(clientId: string, secret: string, roles: readonly string[]) {
      await store.putClient(clientId, digest(secret), roles);
    },
    /**
     * A new client with a generated secret, to be answered once (only its hash is kept). Undefined when the id
     * is taken, by a client or by a person: a client's id is the subject of its tokens.
     */
    async createClient(clientId: string, roles: readonly string[]): Promise<string | undefined> {
      const secret = newSecret();
      return (await store.addClient(clientId, digest(secret), roles)) ? secret : undefined;
    },
    /** A page of the people holding any of `roles` (staff), by username: never their password's hash. */
    async accountsWithAnyRole(roles: readonly string[], page: PageRequest) {
      const rows = await store.accountsWithAnyRole(roles, page.after?.[0], page.limit);
      return pageOf(rows, page.limit, (row) => [row.username]);
    },
    /** A client's roles; undefined when there is no such client. */
    clientRoles: (clientId: string) => store.clientRoles(clientId),
    /**
     * A new secret for a client that still holds `roles` (those the caller was allowed to manage): the old one
     * stops working at once, tokens already issued live out their short life. Undefined otherwise.
     */
    async rotateClientSecret(clientId: string, roles: readonly string[]): Promise<string | undefined> {
      const secret = newSecret();
      return (await store.setClientSecret(clientId, digest(secret), roles)) ? secret : undefined;
    },
    /** Removes a client that still holds `roles`: no new token for it. False otherwise. */
    removeClient: (clientId: string, roles: readonly string[]) => store.deleteClient(clientId, roles),
    /**
     * The first operator: from OPERATOR_USERNAME and OPERATOR_PASSWORD when given, else generated and printed
     * once, the first time this database starts, so that a newcomer is never locked out and no secret is in
     * the repository. Returns the generated password, if one was.
     */
    async ensureOperator(given: { username?: string; password?: string }, print: (line: string) => void) {
      if (given.username && given.password) {
        const existing = await store.accountNamed(given.username);
        if (!existing) {
          await accounts.register({
            subject: `operator:${given.username}`,
            username: given.username,
            password: given.password,
            roles: [OPERATOR_ROLE],
          });
        }
        return undefined;
      }
      if (await store.hasAccountWithRole(OPERATOR_ROLE)) return undefined;
      const username = given.username ?? 'operator';
      const password = newSecret();
      await accounts
        .register({ subject: `operator:${username}`, username, password, roles: [OPERATOR_ROLE] })
        .catch((error: unknown) => {
          // Another process of this database made it at the same moment.
          if (!(error instanceof Error && 'code' in error && error.code === 'username_taken')) throw error;
        });
      print(
        `The operator's credentials (shown once; set OPERATOR_USERNAME and OPERATOR_PASSWORD to choose them): ${username} / ${password}`,
      );
      return password;
    },
  };
}

export type IdentityProvider = Awaited<ReturnType<typeof openIdentityProvider>>;

function checkAccount(account: NewAccount) {
  if (!USERNAME_PATTERN.test(account.username)) {
    throw invalidArgument(
      'invalid_username',
      'a username is 3 to 64 letters, digits, or . _ @ -',
      'username',
    );
  }
  if (account.password.length < MIN_PASSWORD || account.password.length > MAX_PASSWORD) {
    throw invalidArgument(
      'weak_password',
      `a password has ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`,
      'password',
    );
  }
}

async function newPrivateJwk(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)) };
}

function publicJwk(kid: string, privateJwk: JWK): JWK {
  const { d: _private, ...publicPart } = privateJwk;
  return { ...publicPart, kid, alg: 'EdDSA', use: 'sig' };
}
