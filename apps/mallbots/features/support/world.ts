import { setWorldConstructor, World } from '@cucumber/cucumber';
import { clientCredentialToken, passwordToken, remoteClients } from '@tessera/platform/identity';
import type { Login, RunningMonolith } from './monolith.js';
import { Robot, type RobotApi, robotApi } from './robots.js';

/** One HTTP exchange: what a client of the REST API sees. */
export interface Reply {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  readonly body: any;
}

/** What one scenario has made, by the names its steps use; ids are the system's own, so scenarios never meet. */
export interface Scene {
  stores: Map<string, string>;
  /** Product name → id (names are unique within a scenario). */
  products: Map<string, string>;
  customers: Map<string, string>;
  customer?: string;
  basket?: string;
  payment?: string;
  /** The order of the basket checked out last (its id is the basket's). */
  order?: string;
  orders: Set<string>;
  robots: Map<string, Robot>;
  /** Each customer's login, by name (customers register with one). */
  logins: Map<string, Login>;
  /** The gRPC code of the robot API's last refusal (INVALID_ARGUMENT, ...). */
  refusal?: string;
}

let monolith: RunningMonolith | undefined;
let robots: RobotApi | undefined;
/** A token source per username: each logs in once and again shortly before its token expires. */
const tokens = new Map<string, () => Promise<string>>();
/** The staff accounts of this run, one per role, made by the operator the first time a step needs one. */
const staff = new Map<string, Promise<Login>>();

export const useMonolith = (running: RunningMonolith | undefined) => {
  robots?.close();
  robots = undefined;
  monolith = running;
  tokens.clear();
  staff.clear();
};

/**
 * A robot's own credential, made the first time it is needed: a client of the robot's id with the robot role,
 * made at the identity provider by the operator (as staff register a real robot), then its tokens from the
 * token endpoint (client_credentials), as a real robot gets them.
 */
function robotCredential(baseUrl: string, operator: Login, id: string): () => Promise<string> {
  let source: Promise<() => Promise<string>> | undefined;
  return async () => {
    source ??= remoteClients({ identityUrl: baseUrl, token: () => tokenOf(baseUrl, operator) })
      .credential(id, ['robot'])
      .then(({ clientId, clientSecret }) =>
        clientCredentialToken({ tokenUrl: `${baseUrl}/oauth/token`, clientId, clientSecret }),
      )
      .catch((error: unknown) => {
        source = undefined;
        throw error;
      });
    return (await source)();
  };
}

/** Logs in at the token endpoint (the password grant), as a script or the kiosk would. */
function tokenOf(baseUrl: string, login: Login): Promise<string> {
  let source = tokens.get(login.username);
  if (!source) {
    source = passwordToken({ tokenUrl: `${baseUrl}/oauth/token`, ...login });
    tokens.set(login.username, source);
  }
  return source();
}

export class MallBotsWorld extends World {
  readonly scene: Scene = {
    stores: new Map(),
    products: new Map(),
    customers: new Map(),
    orders: new Set(),
    robots: new Map(),
    logins: new Map(),
  };
  last?: Reply;
  /** Who the steps act as: the operator unless a step says otherwise. */
  acting: 'operator' | 'anonymous' | Login = 'operator';

  /** Runs `work` acting as `who`, then as before. */
  async actingAs<T>(who: MallBotsWorld['acting'], work: () => Promise<T>): Promise<T> {
    const before = this.acting;
    this.acting = who;
    try {
      return await work();
    } finally {
      this.acting = before;
    }
  }

  /** The login of the customer the steps speak of as "I". */
  get myLogin(): Login {
    const name = [...this.scene.customers].find(([, id]) => id === this.customer)?.[0];
    return must(name === undefined ? undefined : this.scene.logins.get(name), 'my customer has no login');
  }

  /** A login with `role` (depot-staff, store-manager), as an operator gives staff theirs. */
  staffLogin(role: string): Promise<Login> {
    let login = staff.get(role);
    if (!login) {
      const made = { username: `features.${role}`, password: crypto.randomUUID() };
      login = this.actingAs('operator', () =>
        this.ok('POST', '/identity/accounts', { subject: `staff:${role}`, roles: [role], ...made }),
      ).then(() => made);
      staff.set(role, login);
    }
    return login;
  }

  /** The Authorization header of whoever the steps act as. */
  async credentials(): Promise<Record<string, string>> {
    if (this.acting === 'anonymous') return {};
    const login = this.acting === 'operator' ? this.app.operator : this.acting;
    return { authorization: `Bearer ${await tokenOf(this.app.baseUrl, login)}` };
  }

  get app(): RunningMonolith {
    if (monolith === undefined) throw new Error('MallBots is not running');
    return monolith;
  }

  /** Calls the REST API and keeps the reply as the last one; never throws for a 4xx or 5xx. */
  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const credentials = await this.credentials();
    const response = await fetch(`${this.app.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? { headers: credentials }
        : { headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    this.last = { method, path, status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    return this.last;
  }

  /** Calls the REST API for a step's precondition or outcome: anything but a 2xx fails the step. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const reply = await this.call(method, path, body);
    if (reply.status >= 300)
      throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** Every item of a list route, page after page (`path` may carry the route's own query). */
  async all<T>(path: string, items: string): Promise<T[]> {
    const found: T[] = [];
    let after: string | undefined;
    do {
      const query = `limit=100${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`;
      const page = await this.ok('GET', `${path}${path.includes('?') ? '&' : '?'}${query}`);
      found.push(...page[items]);
      after = page.next;
    } while (after !== undefined);
    return found;
  }

  /** GET that may be a 404 (an outcome still to come): undefined then. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  async find(path: string): Promise<any> {
    const response = await fetch(`${this.app.baseUrl}${path}`, { headers: await this.credentials() });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  /** A robot of this scenario, by name (a new one the first time), with a credential of its own. */
  robot(name: string): Robot {
    let robot = this.scene.robots.get(name);
    if (robot === undefined) {
      const id = crypto.randomUUID();
      robot = new Robot(id, name, this.robotApi(), robotCredential(this.app.baseUrl, this.app.operator, id));
      this.scene.robots.set(name, robot);
    }
    return robot;
  }

  /** A robot that presents no credential at all (not one of the scenario's). */
  robotWithoutCredential(name: string): Robot {
    return new Robot(crypto.randomUUID(), name, this.robotApi(), undefined);
  }

  private robotApi(): RobotApi {
    robots ??= robotApi(this.app.rpcUrl);
    return robots;
  }

  id(kind: 'store' | 'product' | 'customer', name: string): string {
    const map = { store: this.scene.stores, product: this.scene.products, customer: this.scene.customers }[
      kind
    ];
    const id = map.get(name);
    if (id === undefined) throw new Error(`no ${kind} called "${name}" in this scenario`);
    return id;
  }

  get customer(): string {
    return must(this.scene.customer, 'no customer yet: register one first');
  }
  get basket(): string {
    return must(this.scene.basket, 'no basket yet: start one first');
  }
  get order(): string {
    return must(this.scene.order, 'no order yet: check a basket out first');
  }
}

export function must<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}

setWorldConstructor(MallBotsWorld);
