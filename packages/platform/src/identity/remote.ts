import { alreadyExists, invalidArgument } from '../ddd/index.js';
import type { IdentityAccounts } from './accounts.js';

/**
 * An access token from a token endpoint, reused until a minute before it expires, then fetched again; calls
 * at the same moment share one request.
 */
function tokenSource(
  tokenUrl: string,
  request: { form: Record<string, string>; authorization?: string },
  call: typeof fetch = fetch,
): () => Promise<string> {
  let current: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (current && Date.now() < current.until) return current.token;
    pending ??= (async () => {
      try {
        const response = await call(tokenUrl, {
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
        const answer = (await response.json()) as { access_token: string; expires_in: number };
        // A minute early, so that no call carries a token that expires on its way.
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

/** What a service presents when it calls the identity provider or another module (client_credentials). */
export const clientCredentialToken = (options: {
  readonly tokenUrl: string;
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
