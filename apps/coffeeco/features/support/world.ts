import { setWorldConstructor, World } from '@cucumber/cucumber';
import {
  type Login,
  type Reply,
  type RunningSystem,
  type SystemActor,
  type SystemClient,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';

/** A person who uses the system: their login, and who they are to it. */
export interface Person {
  readonly subject: string;
  readonly login: Login;
}

let system: { running: RunningSystem; client: SystemClient } | undefined;
/** Staff of this run, one account per role, opened by the operator the first time a step needs it. */
const staffAccounts = new Map<string, Promise<Person>>();

export const useSystem = (running: RunningSystem | undefined) => {
  system = running && { running, client: systemClient(running) };
  staffAccounts.clear();
};

/** Where CoffeeCo's public routes are (its path prefix). */
export const API = '/coffeeco/api';

/** Who a step acts as: a person of the scenario, the run's operator, or nobody. */
export type Actor = Person | SystemActor;

const actorOf = (who: Actor): SystemActor => (typeof who === 'object' && 'login' in who ? who.login : who);

/**
 * One scenario's world. Each module's steps keep what they made in `scene`, by the names their steps use; ids
 * are the system's own, so scenarios never meet.
 */
export class CoffeeCoWorld extends World {
  // biome-ignore lint/suspicious/noExplicitAny: each module's steps keep their own things here, by name
  readonly scene = new Map<string, any>();
  /** The last call a step made: what a refusal step reads. */
  last?: Reply;

  get client(): SystemClient {
    if (system === undefined) throw new Error('CoffeeCo is not running');
    return system.client;
  }

  get system(): RunningSystem {
    if (system === undefined) throw new Error('CoffeeCo is not running');
    return system.running;
  }

  /** Staff with this role (a barista, a store manager), as the operator gives staff their accounts. */
  staff(role: string): Promise<Person> {
    let person = staffAccounts.get(role);
    if (!person) {
      const subject = `staff:${role}`;
      person = this.client.openAccount({ subject, roles: [role] }).then((login) => ({ subject, login }));
      staffAccounts.set(role, person);
    }
    return person;
  }

  /**
   * Calls the REST API as `who` and keeps the reply as the last one; never throws for a 4xx or 5xx. A 503 says
   * "try again shortly", and a client does.
   */
  async call(who: Actor, method: string, path: string, body?: unknown): Promise<Reply> {
    this.last = await this.client.callWhenAvailable(actorOf(who), method, path, body);
    return this.last;
  }

  /** Calls the REST API for a step's precondition or outcome: anything but a 2xx fails the step. */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  async ok(who: Actor, method: string, path: string, body?: unknown): Promise<any> {
    return succeeded(await this.call(who, method, path, body));
  }
}

export function must<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}

setWorldConstructor(CoffeeCoWorld);
