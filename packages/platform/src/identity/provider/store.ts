import { createHash, randomBytes } from 'node:crypto';
import type { MigrationSet, Queryable } from '../../sql/index.js';
import { schemaMigrations } from '../../sql/index.js';

export const IDENTITY_SCHEMA = 'identity';

/** The built-in provider's tables: accounts (people), clients (robots, services), sessions, signing keys. */
export const identityMigrations = (): MigrationSet =>
  schemaMigrations(IDENTITY_SCHEMA, 'provider', [
    [
      'create_identity',
      (s) => `
-- A person who logs in with a username and password. The subject is what tokens name (sub): the
-- application's id for them, e.g. the customer's.
CREATE TABLE ${s}.accounts (
  subject        text        PRIMARY KEY,
  username       text        NOT NULL UNIQUE,
  password_hash  text        NOT NULL,
  roles          text[]      NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- A robot or a service, with a client credential (client_credentials grant). Only the secret's hash is kept.
CREATE TABLE ${s}.clients (
  client_id      text        PRIMARY KEY,
  secret_hash    text        NOT NULL,
  roles          text[]      NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- One login: its access tokens carry its id (sid); its refresh token is rotated on each use, the previous
-- one kept to detect reuse (a stolen token used twice ends the session). Revoking ends every token of it.
CREATE TABLE ${s}.sessions (
  id                  uuid        PRIMARY KEY,
  subject             text        NOT NULL,
  refresh_hash        text        UNIQUE,
  previous_hash       text,
  expires_at          timestamptz NOT NULL,
  revoked_at          timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_previous ON ${s}.sessions (previous_hash);

-- The signing keys (private JWKs). The newest signs; older ones stay published until tokens signed by
-- them have expired.
CREATE TABLE ${s}.signing_keys (
  kid            text        PRIMARY KEY,
  private_jwk    jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
`,
    ],
  ]);

/** Refresh tokens and client secrets are random: a fast hash is enough to keep them unusable if read. */
export const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
export const newSecret = () => randomBytes(32).toString('base64url');

export interface AccountRow {
  subject: string;
  username: string;
  password_hash: string;
  roles: string[];
}

export function identityStore(db: Queryable) {
  const s = IDENTITY_SCHEMA;
  return {
    async accountNamed(username: string): Promise<AccountRow | undefined> {
      const { rows } = await db.query<AccountRow>(
        `SELECT subject, username, password_hash, roles FROM ${s}.accounts WHERE username = $1`,
        [username],
      );
      return rows[0];
    },
    async accountOf(subject: string): Promise<AccountRow | undefined> {
      const { rows } = await db.query<AccountRow>(
        `SELECT subject, username, password_hash, roles FROM ${s}.accounts WHERE subject = $1`,
        [subject],
      );
      return rows[0];
    },
    /** False when the username (or subject) is taken. */
    async addAccount(account: AccountRow): Promise<boolean> {
      const { rows } = await db.query(
        `INSERT INTO ${s}.accounts (subject, username, password_hash, roles) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING subject`,
        [account.subject, account.username, account.password_hash, account.roles],
      );
      return rows.length === 1;
    },
    /** A page of the accounts holding any of `roles`, by username (after `after`), one more than `limit`. */
    async accountsWithAnyRole(
      roles: readonly string[],
      after: string | undefined,
      limit: number,
    ): Promise<Array<Omit<AccountRow, 'password_hash'>>> {
      const { rows } = await db.query<Omit<AccountRow, 'password_hash'>>(
        `SELECT subject, username, roles FROM ${s}.accounts
          WHERE roles && $1::text[] AND ($2::text IS NULL OR username > $2) ORDER BY username LIMIT $3`,
        [roles, after ?? null, limit + 1],
      );
      return rows;
    },
    async hasAccountWithRole(role: string): Promise<boolean> {
      const { rows } = await db.query(`SELECT 1 FROM ${s}.accounts WHERE $1 = ANY (roles) LIMIT 1`, [role]);
      return rows.length > 0;
    },
    async client(clientId: string): Promise<{ secret_hash: string; roles: string[] } | undefined> {
      const { rows } = await db.query<{ secret_hash: string; roles: string[] }>(
        `SELECT secret_hash, roles FROM ${s}.clients WHERE client_id = $1`,
        [clientId],
      );
      return rows[0];
    },
    /** Adds a client unless its id is taken, by a client or by a person's subject: false then. */
    async addClient(clientId: string, secretHash: string, roles: readonly string[]): Promise<boolean> {
      const { rows } = await db.query(
        `INSERT INTO ${s}.clients (client_id, secret_hash, roles)
         SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM ${s}.accounts WHERE subject = $1)
         ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
        [clientId, secretHash, roles],
      );
      return rows.length === 1;
    },
    async clientRoles(clientId: string): Promise<string[] | undefined> {
      const { rows } = await db.query<{ roles: string[] }>(
        `SELECT roles FROM ${s}.clients WHERE client_id = $1`,
        [clientId],
      );
      return rows[0]?.roles;
    },
    /** Gives a client a new secret if it still holds these roles: false when it is gone or holds others. */
    async setClientSecret(clientId: string, secretHash: string, roles: readonly string[]): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE ${s}.clients SET secret_hash = $2 WHERE client_id = $1 AND roles = $3 RETURNING client_id`,
        [clientId, secretHash, roles],
      );
      return rows.length === 1;
    },
    /** Removes a client if it still holds these roles: false when it is gone or holds others. */
    async deleteClient(clientId: string, roles: readonly string[]): Promise<boolean> {
      const { rows } = await db.query(
        `DELETE FROM ${s}.clients WHERE client_id = $1 AND roles = $2 RETURNING client_id`,
        [clientId, roles],
      );
      return rows.length === 1;
    },
    /** Adds the client or gives it a new secret and roles. */
    async putClient(clientId: string, secretHash: string, roles: readonly string[]) {
      await db.query(
        `INSERT INTO ${s}.clients (client_id, secret_hash, roles) VALUES ($1, $2, $3)
         ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, roles = EXCLUDED.roles`,
        [clientId, secretHash, roles],
      );
    },
    async openSession(id: string, subject: string, refreshHash: string, expiresAt: Date) {
      await db.query(
        `INSERT INTO ${s}.sessions (id, subject, refresh_hash, expires_at) VALUES ($1, $2, $3, $4)`,
        [id, subject, refreshHash, expiresAt],
      );
    },
    /**
     * Swaps a session's refresh token for a new one if `refreshHash` is its current, live one. A token that
     * was current before (reuse: it was stolen or replayed) revokes the session. Returns the session.
     */
    async rotate(
      refreshHash: string,
      nextHash: string,
    ): Promise<
      | { outcome: 'rotated'; id: string; subject: string }
      | { outcome: 'reused'; id: string }
      | { outcome: 'invalid' }
    > {
      const { rows } = await db.query<{ id: string; subject: string }>(
        `UPDATE ${s}.sessions SET previous_hash = refresh_hash, refresh_hash = $2
          WHERE refresh_hash = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING id, subject`,
        [refreshHash, nextHash],
      );
      if (rows[0]) return { outcome: 'rotated', ...rows[0] };
      const reused = await db.query<{ id: string }>(
        `UPDATE ${s}.sessions SET revoked_at = coalesce(revoked_at, now())
          WHERE previous_hash = $1 RETURNING id`,
        [refreshHash],
      );
      const [session] = reused.rows;
      return session ? { outcome: 'reused', id: session.id } : { outcome: 'invalid' };
    },
    /** Revokes the session a refresh token belongs to, or the session with that id; its id, if any. */
    async revoke(by: { refreshHash: string } | { id: string }): Promise<string | undefined> {
      const { rows } = await db.query<{ id: string }>(
        'refreshHash' in by
          ? `UPDATE ${s}.sessions SET revoked_at = coalesce(revoked_at, now())
              WHERE refresh_hash = $1 OR previous_hash = $1 RETURNING id`
          : `UPDATE ${s}.sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`,
        ['refreshHash' in by ? by.refreshHash : by.id],
      );
      return rows[0]?.id;
    },
    async isRevoked(id: string): Promise<boolean> {
      const { rows } = await db.query(
        `SELECT 1 FROM ${s}.sessions WHERE id = $1 AND revoked_at IS NOT NULL`,
        [id],
      );
      return rows.length > 0;
    },
    async signingKeys(): Promise<Array<{ kid: string; private_jwk: Record<string, unknown> }>> {
      const { rows } = await db.query<{ kid: string; private_jwk: Record<string, unknown> }>(
        `SELECT kid, private_jwk FROM ${s}.signing_keys ORDER BY created_at DESC, kid`,
      );
      return rows;
    },
    /** Adds a key unless one has its kid (processes starting at once all offer the first): false if not added. */
    async addSigningKey(kid: string, privateJwk: Record<string, unknown>): Promise<boolean> {
      const { rows } = await db.query(
        `INSERT INTO ${s}.signing_keys (kid, private_jwk) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING RETURNING kid`,
        [kid, JSON.stringify(privateJwk)],
      );
      return rows.length === 1;
    },
  };
}

export type IdentityStore = ReturnType<typeof identityStore>;
