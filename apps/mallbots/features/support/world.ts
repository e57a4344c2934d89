import { setWorldConstructor, World } from '@cucumber/cucumber';
import { clientCredentialToken, remoteClients } from '@tessera/platform/identity';
import {
  type Login,
  type Reply,
  type RunningSystem,
  type SystemActor,
  type SystemClient,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import { Robot, type RobotApi, robotApi } from './robots.js';

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

let system: { running: RunningSystem; client: SystemClient } | undefined;
let robots: RobotApi | undefined;
/** The staff accounts of this run, one per role, made by the operator the first time a step needs one. */
const staff = new Map<string, Promise<Login>>();

export const useSystem = (running: RunningSystem | undefined) => {
  robots?.close();
  robots = undefined;
  system = running && { running, client: systemClient(running) };
  staff.clear();
};

/**
 * A robot's own credential, made the first time it is needed: a client of the robot's id with the robot role,
 * made at the identity provider by the operator (as staff register a real robot), then its tokens from the
 * token endpoint (client_credentials), as a real robot gets them.
 */
function robotCredential(baseUrl: string, client: SystemClient, id: string): () => Promise<string> {
  let source: Promise<() => Promise<string>> | undefined;
  return async () => {
    source ??= remoteClients({ identityUrl: baseUrl, token: () => client.token('operator') })
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
  acting: SystemActor = 'operator';

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
      login = this.client.openAccount({
        subject: `staff:${role}`,
        roles: [role],
        username: `features.${role}`,
      });
      staff.set(role, login);
    }
    return login;
  }

  get app(): RunningSystem {
    if (system === undefined) throw new Error('MallBots is not running');
    return system.running;
  }

  private get client(): SystemClient {
    if (system === undefined) throw new Error('MallBots is not running');
    return system.client;
  }

  /** Calls the REST API and keeps the reply as the last one; never throws for a 4xx or 5xx. */
  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    this.last = await this.client.call(this.acting, method, path, body);
    return this.last;
  }

  /** Calls the REST API for a step's precondition or outcome: anything but a 2xx fails the step. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  async ok(method: string, path: string, body?: unknown): Promise<any> {
    return succeeded(await this.call(method, path, body));
  }

  /** Every item of a list route, page after page (`path` may carry the route's own query). */
  all<T>(path: string, items: string): Promise<T[]> {
    return this.client.all<T>(this.acting, path, items);
  }

  /** GET that may be a 404 (an outcome still to come): undefined then. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  find(path: string): Promise<any> {
    return this.client.find(this.acting, path);
  }

  /** A robot of this scenario, by name (a new one the first time), with a credential of its own. */
  robot(name: string): Robot {
    let robot = this.scene.robots.get(name);
    if (robot === undefined) {
      const id = crypto.randomUUID();
      robot = new Robot(id, name, this.robotApi(), robotCredential(this.app.baseUrl, this.client, id));
      this.scene.robots.set(name, robot);
    }
    return robot;
  }

  /** A robot that presents no credential at all (not one of the scenario's). */
  robotWithoutCredential(name: string): Robot {
    return new Robot(crypto.randomUUID(), name, this.robotApi(), undefined);
  }

  private robotApi(): RobotApi {
    robots ??= robotApi(this.app.rpcUrl('depot'));
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
