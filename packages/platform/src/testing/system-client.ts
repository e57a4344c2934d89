import { PAGE_LIMIT_MAX } from '../ddd/index.js';
import { passwordToken } from '../identity/index.js';
import { eventually, type Login, type RunningSystem } from './system.js';

/** One HTTP exchange, as a client of the REST API sees it. */
export interface Reply {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  readonly body: any;
}

/** Who a call is made as: the run's operator, nobody, or a person with their login. */
export type SystemActor = 'operator' | 'anonymous' | Login;

/** An account a specification opens for a person: who they are to the system, and what they may do. */
export interface PersonAccount {
  readonly subject: string;
  readonly roles: readonly string[];
  /** Their login name: made from the subject unless given. */
  readonly username?: string;
}

export interface SystemClient {
  /** A person's access token (the password grant), renewed before it expires. */
  token(who: Login | 'operator'): Promise<string>;
  /** The Authorization header of `who` (a password-grant token, renewed before it expires). */
  authorization(who: SystemActor): Promise<Record<string, string>>;
  /** Calls the REST API as `who`; never throws for a 4xx or 5xx. */
  call(who: SystemActor, method: string, path: string, body?: unknown): Promise<Reply>;
  /**
   * Calls as `who`, again while the system answers 503 ("try again shortly": a copy a module keeps that has not
   * arrived yet after a start), as a client does; never throws for another 4xx or 5xx.
   */
  callWhenAvailable(who: SystemActor, method: string, path: string, body?: unknown): Promise<Reply>;
  /** GET as `who` of something that may not exist yet (an outcome still to come): undefined on 404. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  find(who: SystemActor, path: string): Promise<any>;
  /** Every item of a list route as `who`, page after page (`path` may carry the route's own query). */
  all<T>(who: SystemActor, path: string, items: string): Promise<T[]>;
  /**
   * Opens a person's account at the built-in identity provider (`/identity/accounts`), as the operator gives
   * staff theirs, and answers their login (a fresh password).
   */
  openAccount(account: PersonAccount): Promise<Login>;
}

/** A step's precondition or outcome: the body of a 2xx, anything else fails the step with what was answered. */
// biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
export function succeeded(reply: Reply): any {
  if (reply.status >= 300)
    throw new Error(`${reply.method} ${reply.path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * The REST API of a running system as its clients call it: people log in at the token endpoint (the password
 * grant) once, and again shortly before their token expires.
 */
export function systemClient(system: Pick<RunningSystem, 'baseUrl' | 'operator'>): SystemClient {
  const tokens = new Map<string, () => Promise<string>>();
  const token = (who: Login | 'operator') => {
    const login = who === 'operator' ? system.operator : who;
    let source = tokens.get(login.username);
    if (!source) {
      source = passwordToken({ tokenUrl: `${system.baseUrl}/oauth/token`, ...login });
      tokens.set(login.username, source);
    }
    return source();
  };
  const authorization = async (who: SystemActor): Promise<Record<string, string>> => {
    if (who === 'anonymous') return {};
    return { authorization: `Bearer ${await token(who)}` };
  };
  const call = async (who: SystemActor, method: string, path: string, body?: unknown): Promise<Reply> => {
    const credentials = await authorization(who);
    const response = await fetch(`${system.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? { headers: credentials }
        : { headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { method, path, status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    token,
    authorization,
    call,
    callWhenAvailable: (who, method, path, body) =>
      eventually(
        `${method} ${path} is answered`,
        () => call(who, method, path, body),
        (reply) => reply.status !== 503,
      ),
    async find(who, path) {
      const reply = await call(who, 'GET', path);
      return reply.status === 404 ? undefined : succeeded(reply);
    },
    async all<T>(who: SystemActor, path: string, items: string) {
      const found: T[] = [];
      let after: string | undefined;
      do {
        const query = `limit=${PAGE_LIMIT_MAX}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
        const page = succeeded(await call(who, 'GET', `${path}${path.includes('?') ? '&' : '?'}${query}`));
        found.push(...page[items]);
        after = page.next;
      } while (after !== undefined);
      return found;
    },
    async openAccount({ subject, roles, username = subject.replaceAll(/[^\w.-]/g, '.') }) {
      const login = { username, password: crypto.randomUUID() };
      succeeded(await call('operator', 'POST', '/identity/accounts', { subject, roles, ...login }));
      return login;
    },
  };
}
