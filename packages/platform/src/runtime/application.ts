import type { Logger } from '../observability/index.js';
import { ConfigError } from './config.js';
import type { Module } from './module.js';

/**
 * Something an application runs beside one of its modules that is not a bounded context: a simulator, a
 * scheduler of demo traffic. In one process it starts after the host and stops before it; the launcher gives
 * it a process of its own.
 */
export interface Companion {
  readonly name: string;
  /** The module it works with: it runs only where that module runs. */
  readonly beside: string;
  /** Starts it, or answers undefined when its own settings turn it off. Bad settings throw a ConfigError. */
  start(context: CompanionContext): Promise<RunningCompanion | undefined>;
}

export interface CompanionContext {
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Where the module it works beside answers HTTP, and RPC when it serves any. */
  readonly httpUrl: string;
  readonly rpcUrl: string | undefined;
  /**
   * The built-in identity provider (where it answers) and the system's service token for it: a companion
   * makes the credentials of what it simulates there (`remoteClients`). Undefined when the system trusts an
   * external provider and no built-in one is known.
   */
  readonly identity: { readonly url: string; readonly token: () => Promise<string> } | undefined;
}

export interface RunningCompanion {
  /** One line for the start-up banner, e.g. "3 simulated robots". */
  readonly summary: string;
  stop(): Promise<void>;
}

export interface ApplicationDefinition {
  /** Lower-case id: `APPS` names it, its routes' prefix and its processes' names derive from it. */
  readonly name: string;
  /** As people write it, e.g. "MallBots". */
  readonly title: string;
  /** One line for the landing page and the API documents. */
  readonly description: string;
  readonly version: string;
  /** Its bounded contexts, in start order: the one list everything else derives from. */
  readonly modules: readonly Module[];
  /** The modules that serve Connect RPC to the others (they get an address in `RPC_SERVICES`). */
  readonly rpcProviders?: readonly string[];
  readonly companions?: readonly Companion[];
  /**
   * Where its public routes are: `/<name>` unless given. At most one application of a repository keeps the
   * root (`''`): the first one, whose clients predate the others.
   */
  readonly pathPrefix?: string;
  /** Its web pages, built beforehand (`npm run build:web`), served under its prefix and linked from `/`. */
  readonly web?: ApplicationWeb;
}

/**
 * An application's web pages (ADR 0038): the folder its build wrote (an `index.html` per page, `assets/`), and
 * its pages, each a single-page app under `<prefix><path>` whose deeper paths answer its `index.html`.
 */
export interface ApplicationWeb {
  readonly dist: URL;
  readonly pages: readonly WebPage[];
}

export interface WebPage {
  /** Where it is under the application's prefix, between slashes: `/kiosk/`. Its folder in `dist`. */
  readonly path: string;
  readonly title: string;
  /** Who it is for and what they do there, one line for the landing page. */
  readonly description: string;
}

export interface Application extends Required<Omit<ApplicationDefinition, 'web'>> {
  readonly web: ApplicationWeb | undefined;
  readonly [APPLICATION]: true;
}

const APPLICATION = Symbol.for('tessera.application');

/** Whether a value is an application `defineApplication` made (what discovery looks for in `app.ts`). */
export const isApplication = (value: unknown): value is Application =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APPLICATION] === true;

const NAME = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * An application: its modules and what runs beside them. The platform derives every entry from it (one
 * process, one process per module, migrate, the ops CLI, the launcher and the gateway; ADR 0021). Mistakes in
 * the definition throw at once, naming each.
 */
/** The processes a topology runs besides the modules: no module or companion may take one of their names. */
export const RESERVED_PROCESS_NAMES: readonly string[] = ['identity', 'gateway', 'postgres', 'nats'];

export function defineApplication(definition: ApplicationDefinition): Application {
  const application: Application = {
    rpcProviders: [],
    companions: [],
    pathPrefix: `/${definition.name}`,
    web: undefined,
    ...definition,
    [APPLICATION]: true,
  };
  const problems: string[] = [];
  const where = `the application ${JSON.stringify(definition.name)}`;
  if (!NAME.test(application.name)) {
    problems.push(`${where}: its name must be a lower-case letter, then letters, digits or '-' (31 at most)`);
  }
  if (application.pathPrefix !== '' && !/^(\/[a-z0-9][a-z0-9-]*)+$/.test(application.pathPrefix)) {
    problems.push(`${where}: pathPrefix must be '' or like /name`);
  }
  if (application.modules.length === 0) problems.push(`${where} has no modules`);
  const pagePaths = (application.web?.pages ?? []).map((page) => page.path);
  for (const path of pagePaths) {
    if (!/^\/[a-z0-9][a-z0-9-]*\/$/.test(path)) {
      problems.push(`${where}: the web page path ${JSON.stringify(path)} must be like /name/`);
    }
    if (['/api/', '/admin/', '/assets/', '/docs/'].includes(path)) {
      problems.push(`${where}: the web page path ${path} is taken by the platform`);
    }
    if (pagePaths.filter((other) => other === path).length > 1) {
      problems.push(`${where} lists the web page ${path} twice`);
    }
  }
  const names = application.modules.map((module) => module.name);
  for (const name of new Set(names)) {
    if (!NAME.test(name))
      problems.push(`${where}: the module name ${JSON.stringify(name)} is not lower-case`);
    if (names.filter((other) => other === name).length > 1) problems.push(`${where} lists ${name} twice`);
  }
  for (const name of [...names, ...application.companions.map((companion) => companion.name)]) {
    if (RESERVED_PROCESS_NAMES.includes(name)) {
      problems.push(`${where}: ${name} is the name of a process every topology runs; choose another`);
    }
  }
  const unknown = (name: string) => !names.includes(name);
  for (const name of application.rpcProviders.filter(unknown)) {
    problems.push(`${where}: the RPC provider ${name} is none of its modules`);
  }
  for (const companion of application.companions.filter((companion) => unknown(companion.beside))) {
    problems.push(
      `${where}: the companion ${companion.name} works beside ${companion.beside}, none of its modules`,
    );
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return application;
}

/**
 * The applications a process runs: `APPS`, comma-separated names; unset, empty or `all`: every one. They keep
 * the repository's order. Applications that run together must not share a module name, a schema or a channel
 * (they share the database and the broker), nor a path prefix.
 */
export function selectApplications(
  all: readonly Application[],
  value: string | undefined,
): readonly Application[] {
  const chosen = chooseByName(all, value, 'APPS', 'application');
  checkApart(chosen);
  return chosen;
}

/**
 * The modules a process runs (ADR 0019): `MODULES`, comma-separated names; unset, empty or `all`: every one
 * (the monolith); one name: that module's own process. They keep the start order, whatever order the variable
 * lists them in.
 */
export function selectModules<M extends Pick<Module, 'name'>>(
  all: readonly M[],
  value: string | undefined,
): readonly M[] {
  return chooseByName(all, value, 'MODULES', 'module');
}

function chooseByName<T extends { name: string }>(
  all: readonly T[],
  value: string | undefined,
  variable: string,
  kind: string,
): readonly T[] {
  const raw = (value ?? '').trim();
  if (raw === '' || raw === 'all') return all;
  const names = raw.split(',').map((name) => name.trim());
  const known = all.map((item) => item.name);
  const problems = names
    .filter((name) => !known.includes(name))
    .map(
      (name) =>
        `${variable} names an unknown ${kind} ${JSON.stringify(name)} (known: ${known.join(', ')}, or all)`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return all.filter((item) => names.includes(item.name));
}

/** Applications in one process share its database, broker and HTTP server: nothing of theirs may collide. */
function checkApart(applications: readonly Application[]) {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const claim = (what: string, application: Application) => {
    const owner = owners.get(what);
    if (owner && owner !== application.name) {
      problems.push(`the applications ${owner} and ${application.name} both have ${what}`);
    }
    owners.set(what, application.name);
  };
  for (const application of applications) {
    claim(`the path prefix ${JSON.stringify(application.pathPrefix)}`, application);
    for (const module of application.modules) {
      claim(`a module ${module.name}`, application);
      for (const set of module.migrations) claim(`the migrations ${set.name}`, application);
      for (const channel of module.publishes ?? []) claim(`the channel ${channel.address}`, application);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
