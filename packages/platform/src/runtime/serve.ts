import { createLogger } from '../observability/index.js';
import { type Application, type RunningCompanion, selectApplications, selectModules } from './application.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { collectProblems, exitOnConfigError, loadEnvFile, orExit } from './entry-config.js';
import { type Host, type MountedApplication, startHost, stopOnSignals } from './host.js';
import { landingPage } from './landing.js';

export interface Served {
  readonly host: Host;
  readonly mounted: readonly MountedApplication[];
  readonly companions: ReadonlyArray<{ name: string; running: RunningCompanion }>;
}

/**
 * Which applications and modules this process runs: `APPS` chooses applications (default: all of them),
 * `MODULES` their modules (default: all; one name makes this that module's own process). Module names are
 * unique across the applications of a process, so `MODULES` needs no application in front of them.
 */
export function chooseMounted(
  applications: readonly Application[],
  env: NodeJS.ProcessEnv,
): readonly MountedApplication[] {
  const chosen = selectApplications(applications, env.APPS);
  const modules = new Set(
    selectModules(
      chosen.flatMap((application) => application.modules),
      env.MODULES,
    ),
  );
  return chosen
    .map((application) => ({
      application,
      modules: application.modules.filter((module) => modules.has(module)),
    }))
    .filter((mounted) => mounted.modules.length > 0);
}

/**
 * The NATS stream when NATS_STREAM is unset: the name of the one application `APPS` chooses, or `tessera` for
 * several (by APPS, not MODULES: every process of one system must agree on it).
 */
export function streamOf(applications: readonly Application[], env: NodeJS.ProcessEnv): string {
  try {
    const chosen = selectApplications(applications, env.APPS);
    return chosen.length === 1 ? chosen[0]!.name : 'tessera';
  } catch {
    return 'tessera'; // a bad APPS is reported where the applications are chosen
  }
}

/** The name a process of these applications gives itself in logs, documents and its database sessions. */
export function processTitle(mounted: readonly MountedApplication[]) {
  const [only] = mounted;
  if (mounted.length === 1 && only) {
    return {
      name: only.application.title,
      version: only.application.version,
      description: only.application.description,
    };
  }
  return {
    name: `Tessera: ${mounted.map(({ application }) => application.title).join(', ')}`,
    version: mounted[0]?.application.version ?? '0.0.0',
    description: mounted
      .map(({ application }) => `${application.title}: ${application.description}`)
      .join('\n\n'),
  };
}

/**
 * The built-in identity provider alone (`identity`): the distributed topology's one provider, whose JWKS every
 * module process checks tokens against and where Customers opens accounts (ADR 0023).
 */
export async function serveIdentity(applications: readonly Application[]): Promise<Host> {
  loadEnvFile();
  const config = orExit(() => {
    const loaded = loadConfig(process.env);
    if (loaded.auth.jwksUrl) {
      throw new ConfigError([
        'AUTH_JWKS_URL is set: the identity provider is elsewhere, not in this process',
      ]);
    }
    return loaded;
  });
  const host = await startHost({
    name: 'Identity',
    version: applications[0]?.version ?? '0.0.0',
    description: 'The built-in identity provider: OpenID Connect discovery, tokens, revocation, web sessions',
    applications: [],
    // Staff accounts are opened here for every application's roles.
    roles: applications.flatMap((application) => application.modules.flatMap((module) => module.roles ?? [])),
    config,
  }).catch(exitOnConfigError);
  stopOnSignals(host, config.shutdownTimeoutMs);
  process.stdout.write(`The identity provider is running at ${host.url}\n`);
  return host;
}

/**
 * The one-process entry (`npm start`): the chosen applications' modules in one host, on one port, each
 * application under its path prefix, with `GET /` naming them; then their companions. A bad setting or a port
 * already taken ends the process with lines naming the variable, no stack trace.
 */
export async function serve(applications: readonly Application[], config?: Config): Promise<Served> {
  loadEnvFile();
  const [loaded, mounted] = orExit(() =>
    collectProblems(
      () => config ?? loadConfig(process.env, { natsStream: streamOf(applications, process.env) }),
      () => chooseMounted(applications, process.env),
    ),
  );
  const title = processTitle(mounted);
  const host = await startHost({
    ...title,
    applications: mounted,
    config: loaded,
    landingPage: landingPage(mounted),
  }).catch(exitOnConfigError);

  const companions: Array<{ name: string; running: RunningCompanion }> = [];
  // The launcher runs companions as processes of their own and turns them off in its module processes.
  const withCompanions = process.env.COMPANIONS !== 'off';
  for (const { application, modules } of withCompanions ? mounted : []) {
    for (const companion of application.companions) {
      if (!modules.some((module) => module.name === companion.beside)) continue;
      const running = await companion
        .start({
          env: process.env,
          logger: createLogger({ level: loaded.logLevel, format: loaded.logFormat, name: companion.name }),
          httpUrl: host.url,
          rpcUrl: host.rpcUrl,
          identity:
            host.identityUrl && host.serviceToken
              ? { url: host.identityUrl, token: host.serviceToken }
              : undefined,
        })
        .catch(async (error: unknown) => {
          await host.stop();
          return exitOnConfigError(error);
        });
      if (running) companions.push({ name: companion.name, running });
    }
  }
  // Companions go first: a simulator's streams close while the modules can still record it.
  stopOnSignals(
    {
      logger: host.logger,
      async stop() {
        await Promise.all(companions.map(({ running }) => running.stop()));
        await host.stop();
      },
    },
    loaded.shutdownTimeoutMs,
  );
  host.logger.info(
    {
      url: host.url,
      rpcUrl: host.rpcUrl,
      applications: Object.fromEntries(
        mounted.map(({ application, modules }) => [application.name, modules.map((module) => module.name)]),
      ),
      companions: companions.map(({ name }) => name),
    },
    `${title.name} is running`,
  );
  for (const { application, modules } of mounted) {
    const which =
      modules.length === application.modules.length
        ? ''
        : ` (${modules.map((module) => module.name).join(', ')})`;
    process.stdout.write(
      `${application.title}${which} is running at ${host.url}${application.pathPrefix} (API docs at ${host.url}/docs)\n`,
    );
  }
  if (host.rpcUrl) process.stdout.write(`RPC (gRPC, gRPC-Web, Connect over HTTP/2) at ${host.rpcUrl}\n`);
  for (const { running } of companions) process.stdout.write(`${running.summary}\n`);
  return { host, mounted, companions };
}
