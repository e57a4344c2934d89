import createClient, { type Client, type Middleware } from 'openapi-fetch';

/** An invalid input the server named: where it is (`body.price`) and what is wrong with it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * A problem+json answer (RFC 9457) as the page handles it: the status, the stable `code` to match on, the
 * server's own sentence, and each invalid field. Pages show `messageOf(problem)`, never the raw body.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[];

  constructor(status: number, body: Partial<Record<string, unknown>> | undefined) {
    const title = typeof body?.title === 'string' ? body.title : `the server answered ${status}`;
    super(title);
    this.name = 'ApiProblem';
    this.status = status;
    this.title = title;
    this.code = typeof body?.code === 'string' ? body.code : undefined;
    this.detail = typeof body?.detail === 'string' ? body.detail : undefined;
    this.errors = Array.isArray(body?.errors)
      ? (body.errors as unknown[]).flatMap((error) =>
          typeof error === 'object' && error !== null && 'field' in error && 'message' in error
            ? [{ field: String(error.field), message: String(error.message) }]
            : [],
        )
      : [];
  }

  /** The server's message for one input, matched by its last part (`body.price` answers for `price`). */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.field === field || error.field.endsWith(`.${field}`))?.message;
  }
}

/** A network failure, said as a problem too, so that pages handle one kind of error. */
const unreachable = () => new ApiProblem(0, { title: 'the server cannot be reached', code: 'unreachable' });

const CSRF_COOKIE = 'tessera_csrf';
const csrfToken = () =>
  document.cookie
    .split('; ')
    .find((cookie) => cookie.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1);

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The session cookie authenticates; a change echoes the session's CSRF token (ADR 0024) and carries its own
 * Idempotency-Key (ADR 0010), so a retried click is done once. An expired access token is renewed once from
 * the refresh cookie and the request sent again.
 */
const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (CHANGES.has(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set('x-csrf-token', decodeURIComponent(token));
      if (!request.headers.has('idempotency-key'))
        request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
};

/**
 * The typed client of an application's API: `paths` is its generated OpenAPI description (`api.gen.ts`), so
 * every path, parameter, body and answer is checked against the server's own schemas at build time. `baseUrl`
 * puts the paths under a base (the operations screens' admin routes: `/admin`, or `/admin/<module>`).
 */
export function createApi<Paths extends {}>(options: { baseUrl?: string } = {}): Client<Paths> {
  const client = createClient<Paths>({ baseUrl: options.baseUrl ?? '', credentials: 'same-origin' });
  client.use(sessionMiddleware);
  return client;
}

let refreshing: Promise<boolean> | undefined;
/** Renews the session's access token from its refresh cookie; concurrent callers share one renewal. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, or an `ApiProblem`: `await must(() => api.GET('/api/stores'))`. A 401 whose access token
 * expired is renewed and asked once more.
 */
export async function must<T>(call: () => Promise<Answer<T>>): Promise<T> {
  const attempt = async () => {
    try {
      return await call();
    } catch {
      throw unreachable();
    }
  };
  let answer = await attempt();
  if (answer.response.status === 401 && (await refreshSession())) answer = await attempt();
  if (answer.response.ok) return answer.data as T;
  throw new ApiProblem(answer.response.status, answer.error as Record<string, unknown> | undefined);
}
