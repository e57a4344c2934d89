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
import { lcApplicationsRoles } from '../../src/lc-applications/contract/roles.js';

/**
 * A day of the bank's calendar during the run (LC_DAY_MS): short, so that the reminders of day 10 and 20 and
 * the past due of day 30 can be watched (day 30 comes six seconds after a submit).
 */
export const DAY_MS = 200;

/** A person who uses the system: their login, and who they are to it (an importer's id is their applicant id). */
export interface Person {
  readonly subject: string;
  readonly login: Login;
}

/** An application whose reminders a scenario watches, and when it was submitted (ms since the epoch). */
export interface Watch {
  readonly id: string;
  readonly submittedAt: number;
}

/** What one scenario has made, by the names its steps use; ids are the system's own, so scenarios never meet. */
export interface Scene {
  /** The importer the steps speak of as "I". */
  me?: Person;
  /** Other importers, by name. */
  importers: Map<string, Person>;
  /** The products the merchandise names, by name (the bank's ids). */
  products: Map<string, string>;
  /** My applications, by client reference. */
  applications: Map<string, string>;
  /** The application the steps speak of as "my draft", "my application", "it": the last one started or named. */
  current?: string;
  /** Each decided application's reminders when it was decided (none may come after). */
  remindersWhenDecided: Map<string, number>;
  watched?: Watch;
}

let system: { running: RunningSystem; client: SystemClient } | undefined;
/**
 * The people of this run, by name, each with an account the operator opened the first time a step needed it.
 * Scenarios share them (an account costs two password hashings, made slow on purpose); they never share an
 * application, each scenario starting its own.
 */
const people = new Map<string, Promise<Person>>();

export const useSystem = (running: RunningSystem | undefined) => {
  system = running && { running, client: systemClient(running) };
  people.clear();
};

/** Where the application's public routes are (its path prefix). */
export const API = '/letters-of-credit/api';
const APPLICATIONS = `${API}/lc-applications`;

/** Who a step acts as: a person of the scenario, the run's operator, or nobody. */
export type Actor = Person | SystemActor;

const actorOf = (who: Actor): SystemActor => (typeof who === 'object' && 'login' in who ? who.login : who);

export class LettersOfCreditWorld extends World {
  readonly scene: Scene = {
    importers: new Map(),
    products: new Map(),
    applications: new Map(),
    remindersWhenDecided: new Map(),
  };
  /** The last call a step made: what a refusal step reads. */
  last?: Reply;

  get client(): SystemClient {
    if (system === undefined) throw new Error('letters of credit is not running');
    return system.client;
  }

  get system(): RunningSystem {
    if (system === undefined) throw new Error('letters of credit is not running');
    return system.running;
  }

  /** Staff with an account the operator opened, one per role for the run. */
  private person(subject: string, role: string): Promise<Person> {
    let person = people.get(subject);
    if (!person) {
      person = this.client.openAccount({ subject, roles: [role] }).then((login) => ({ subject, login }));
      people.set(subject, person);
    }
    return person;
  }

  /**
   * An importer registered with the bank (Customer Onboarding opens their account, with the applicant role and
   * their applicant id as its subject), known by name for the run.
   */
  importer(name: string): Promise<Person> {
    const key = `importer:${name}`;
    let person = people.get(key);
    if (!person) {
      person = this.registerImporter(name);
      people.set(key, person);
    }
    return person;
  }

  /** Registers a new importer with the bank, as they do themselves (no one logged in). */
  async registerImporter(name: string): Promise<Person> {
    const username = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${crypto.randomUUID().slice(0, 8)}`;
    const login = { username, password: crypto.randomUUID() };
    const registered = await this.ok('anonymous', 'POST', `${API}/onboarding/applicants`, { ...login, name });
    return { subject: registered.id, login };
  }

  get me(): Person {
    return must(this.scene.me, 'no importer yet: "Given I am an importer" first');
  }

  /** Staff with this role (trade finance, analysts), as the operator gives staff their accounts. */
  staff(role: string): Promise<Person> {
    return this.person(`staff:${role}`, role);
  }

  tradeFinanceManager(): Promise<Person> {
    return this.staff(lcApplicationsRoles.tradeFinanceManager.name);
  }

  /**
   * Calls the REST API as `who` and keeps the reply as the last one; never throws for a 4xx or 5xx. A 503 says
   * "try again shortly" (e.g. the sanctions list's copy, in the moments after a start), and a client does.
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

  /** An application's path, or one of its tasks'. */
  applicationPath(id: string, task?: string): string {
    return `${APPLICATIONS}/${id}${task === undefined ? '' : `/${task}`}`;
  }

  startPath(): string {
    return `${APPLICATIONS}/start-new`;
  }

  /** The application the steps speak of as "my draft" or "my application". */
  get current(): string {
    return must(this.scene.current, 'no application yet: start one first');
  }

  /** One of my applications, by its client reference (and it becomes the current one). */
  application(reference: string): string {
    const id = must(this.scene.applications.get(reference), `no application "${reference}" in this scenario`);
    this.scene.current = id;
    return id;
  }

  /**
   * An application as `who` (its applicant unless said) reads it now: its parts, status and the tasks it
   * offers them. Reading is not a step's outcome: the last reply stays the one a refusal step reads.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, read by each step as it expects
  async read(id = this.current, who: Actor = this.me): Promise<any> {
    return succeeded(await this.client.call(actorOf(who), 'GET', this.applicationPath(id)));
  }
}

export function must<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}

setWorldConstructor(LettersOfCreditWorld);
