import { alreadyExists, invalidArgument } from '../ddd/index.js';
import type { IdentityAccounts } from './accounts.js';

/** A token endpoint's answer (RFC 6749 §5.1), as much as a caller needs of it. */
export interface IssuedToken {
  readonly access_token: string;
  readonly expires_in: number;
}

/**
 * A token from `issue`, reused until a minute before it expires (so that no call carries a token that expires
 * on its way), then issued again; calls at the same moment share one issue. A failure is not kept.
 */
export function renewedToken(issue: () => Promise<IssuedToken>): () => Promise<string> {
  let current: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (current && Date.now() < current.until) return current.token;
    pending ??= (async () => {
      try {
        const answer = await issue();
        current = {
          token: answer.access_token,
          until: Date.now() + Math.max(0, answer.expires_in - 60) * 1000,
        };
        return answer.access_token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

/** Where a token endpoint is: its URL, or a look-up of it (an OpenID Connect provider's discovery). */
export type TokenUrl = string | (() => Promise<string>);

/** An access token from a token endpoint, renewed before it expires (`renewedToken`). */
function tokenSource(
  tokenUrl: TokenUrl,
  request: { form: Record<string, string>; authorization?: string },
  call: typeof fetch = fetch,
): () => Promise<string> {
  return renewedToken(async () => {
    const response = await call(typeof tokenUrl === 'string' ? tokenUrl : await tokenUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(request.authorization && { authorization: request.authorization }),
      },
      body: new URLSearchParams(request.form),
    });
    if (!response.ok) {
      throw new Error(`the token endpoint refused (${response.status}): ${await response.text()}`);
    }
    return (await response.json()) as IssuedToken;
  });
}

/**
 * The token endpoint an OpenID Connect provider publishes in its discovery document
 * (`<issuer>/.well-known/openid-configuration`), looked up once it is first needed and kept once found.
 */
export function discoveredTokenUrl(issuer: string, call: typeof fetch = fetch): () => Promise<string> {
  let found: Promise<string> | undefined;
  return () => {
    found ??= (async () => {
      const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      const response = await call(url);
      if (!response.ok)
        throw new Error(`the identity provider's discovery (${url}) answered ${response.status}`);
      const document = (await response.json()) as { token_endpoint?: unknown };
      if (typeof document.token_endpoint !== 'string') {
        throw new Error(`the identity provider's discovery (${url}) names no token_endpoint`);
      }
      return document.token_endpoint;
    })().catch((error: unknown) => {
      found = undefined; // looked up again by the next call
      throw error;
    });
    return found;
  };
}

/** What a service presents when it calls the identity provider or another module (client_credentials). */
export const clientCredentialToken = (options: {
  readonly tokenUrl: TokenUrl;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly fetch?: typeof fetch;
}) =>
  tokenSource(
    options.tokenUrl,
    {
      form: { grant_type: 'client_credentials' },
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`,
    },
    options.fetch,
  );

/** What a first-party script or test presents as a person (the password grant). */
export const passwordToken = (options: {
  readonly tokenUrl: string;
  readonly username: string;
  readonly password: string;
  readonly fetch?: typeof fetch;
}) =>
  tokenSource(
    options.tokenUrl,
    { form: { grant_type: 'password', username: options.username, password: options.password } },
    options.fetch,
  );

/** IdentityAccounts of a built-in provider in another process, called with this service's credential. */
export function remoteAccounts(options: {
  readonly identityUrl: string;
  readonly token: () => Promise<string>;
  readonly fetch?: typeof fetch;
}): IdentityAccounts {
  const call = options.fetch ?? fetch;
  return {
    async register(account) {
      const response = await call(`${options.identityUrl.replace(/\/+$/, '')}/identity/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await options.token()}` },
        body: JSON.stringify(account),
      });
      if (response.ok) return;
      const problem = (await response.json().catch(() => ({}))) as {
        code?: string;
        detail?: string;
        errors?: Array<{ field: string }>;
      };
      if (response.status === 409) {
        throw alreadyExists(
          problem.code ?? 'username_taken',
          problem.detail ?? 'the username is taken',
          'username',
        );
      }
      if (response.status === 400) {
        const field = problem.errors?.[0]?.field.replace(/^body\./, '');
        throw invalidArgument(problem.code ?? 'invalid_account', problem.detail ?? 'invalid account', field);
      }
      throw new Error(`the identity provider could not open the account (${response.status})`);
    },
  };
}

/** A client credential as the clients' routes answer it: the secret is shown this once. */
export interface ClientCredential {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The clients' routes of a built-in provider (`/identity/clients`), called with an operator's or a service's
 * token: how a simulator (or a script) gives each of its robots a credential of its own.
 */
export function remoteClients(options: {
  readonly identityUrl: string;
  readonly token: () => Promise<string>;
  readonly fetch?: typeof fetch;
}) {
  const call = options.fetch ?? fetch;
  const base = `${options.identityUrl.replace(/\/+$/, '')}/identity/clients`;
  const send = async (method: string, path: string, body?: unknown) =>
    call(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await options.token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const failed = async (what: string, response: Response) =>
    new Error(`the identity provider refused to ${what} (${response.status}): ${await response.text()}`);
  return {
    /**
     * A credential for `clientId` with these roles: a new client, or, when it exists with the same roles, a new
     * secret for it (the previous one stops working). A client of that id with other roles is an error: it is
     * someone else's.
     */
    async credential(clientId: string, roles: readonly string[]): Promise<ClientCredential> {
      const id = encodeURIComponent(clientId);
      const made = await send('POST', '', { clientId, roles });
      if (made.status === 201) return answerOf(made);
      if (made.status !== 409) throw await failed(`make the client ${clientId}`, made);
      const existing = await send('GET', `/${id}`);
      if (!existing.ok) throw await failed(`read the client ${clientId}`, existing);
      const held = ((await existing.json()) as { roles: string[] }).roles;
      if ([...held].sort().join(',') !== [...roles].sort().join(',')) {
        throw new Error(
          `the client ${clientId} exists with the roles ${held.join(', ')}, not ${roles.join(', ')}: it is not this one's to renew`,
        );
      }
      const renewed = await send('POST', `/${id}/secret`);
      if (!renewed.ok) throw await failed(`renew the secret of the client ${clientId}`, renewed);
      return answerOf(renewed);
    },
    /** Removes a client: no new token for it. False when there was none. */
    async remove(clientId: string): Promise<boolean> {
      const response = await send('DELETE', `/${encodeURIComponent(clientId)}`);
      if (response.status === 404) return false;
      if (!response.ok) throw await failed(`remove the client ${clientId}`, response);
      return true;
    },
  };
}

async function answerOf(response: Response): Promise<ClientCredential> {
  const { clientId, clientSecret } = (await response.json()) as ClientCredential;
  return { clientId, clientSecret };
}
