import { idempotencyMigrations } from '../http/index.js';
import { clientCredentialToken, identityMigrations, TOKEN_PATH } from '../identity/index.js';
import { createLogger } from '../observability/index.js';
import { migrate, openDatabase } from '../sql/index.js';
import { type Application, selectApplications } from './application.js';
import { brokerMigrations } from './broker.js';
import { ConfigError, loadConfig } from './config.js';
import { exitOnConfigError, loadEnvFile, orExit } from './entry-config.js';
import { serveGateway } from './gateway/serve.js';
import { stopOnSignals } from './host.js';
import { launch } from './launcher/launch.js';
import { runOps } from './ops-cli.js';
import { chooseMounted, processTitle, serve, serveIdentity, streamOf } from './serve.js';

export const CLI_USAGE = `usage: <entry> [command]
  start               every application in one process (APPS, MODULES choose; the default command)
  migrate             applies pending migrations of the chosen applications' modules, then exits
  dead-letters ...    lists, shows and re-drives dead letters (dead-letters --help)
  lag                 consumer groups' lag
  launch              one process per module of the chosen applications, behind one gateway (APPS, MODULES)
  gateway             the gateway alone, in front of the module processes of HTTP_SERVICES
  identity            the built-in identity provider alone (the launcher runs it so)
  companion <name>    one companion of an application alone (the launcher runs them so)`;

export interface CliOptions {
  /** This entry's script, which the launcher runs again for each process it starts. */
  readonly entry: string;
  /** The folder the launcher's children run in and its relative paths (LOG_DIR) start from. */
  readonly cwd: string;
  readonly argv?: readonly string[];
}

/**
 * Every entry of a repository's applications, derived from their definitions (ADR 0021): the repository's one
 * entry script calls this with its applications, and the command line chooses what runs.
 */
export async function runCli(applications: readonly Application[], options: CliOptions): Promise<void> {
  const [command = 'start', ...args] = options.argv ?? process.argv.slice(2);
  // A process the launcher started stops when the launcher is gone, however it ended (its pipe closes).
  if (process.env.SUPERVISED === '1') {
    process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
    process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
    process.stdin.resume();
  }
  switch (command) {
    case 'start':
      await serve(applications);
      return;
    case 'migrate':
      process.exitCode = await migrateCommand(applications);
      return;
    case 'dead-letters':
    case 'lag': {
      loadEnvFile();
      const mounted = orExit(() => chooseMounted(applications, process.env));
      const config = orExit(() => loadConfigFor(applications));
      process.exitCode = await runOps({ name: processTitle(mounted).name, config, args: [command, ...args] });
      return;
    }
    case 'launch':
      await launch(applications, options);
      return;
    case 'gateway':
      await serveGateway(applications);
      return;
    case 'identity':
      await serveIdentity(applications);
      return;
    case 'companion':
      await runCompanion(applications, args[0]);
      return;
    case 'help':
    case '--help':
      process.stdout.write(`${CLI_USAGE}\n`);
      return;
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command)}\n${CLI_USAGE}\n`);
      process.exitCode = 2;
  }
}

/** Applies every pending migration of the chosen applications, as a host does on start, then exits. */
async function migrateCommand(applications: readonly Application[]): Promise<number> {
  loadEnvFile();
  const mounted = orExit(() => chooseMounted(applications, process.env));
  const config = orExit(() => loadConfigFor(applications));
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const where = config.databaseUrl ? 'the PostgreSQL database' : `PGlite in ${config.dataDir}`;
    const applied = await migrate(
      db,
      [
        brokerMigrations(config),
        idempotencyMigrations(),
        ...(config.auth.jwksUrl === undefined ? [identityMigrations()] : []),
        ...mounted.flatMap(({ modules }) => modules.flatMap((module) => module.migrations)),
      ],
      (line) => process.stdout.write(`${line}\n`),
    );
    process.stdout.write(
      applied.length === 0
        ? `${where} is up to date\n`
        : `applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${where}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

/**
 * One companion in a process of its own, beside its module's process (COMPANION_HTTP_URL,
 * COMPANION_RPC_URL); it ends on SIGINT/SIGTERM, or at once when its settings turn it off.
 */
async function runCompanion(applications: readonly Application[], name: string | undefined) {
  loadEnvFile();
  const chosen = orExit(() => selectApplications(applications, process.env.APPS));
  const config = orExit(() => loadConfigFor(applications));
  const companion = chosen.flatMap((application) => application.companions).find((c) => c.name === name);
  if (!companion) {
    const known = chosen.flatMap((application) => application.companions.map((c) => c.name));
    exitOnConfigError(
      new ConfigError([`no companion ${JSON.stringify(name)} (known: ${known.join(', ') || 'none'})`]),
      2,
    );
  }
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, name: companion.name });
  // The system's identity provider and its service credential, as the launcher gives them (AUTH_IDENTITY_URL,
  // AUTH_CLIENT_ID, AUTH_CLIENT_SECRET).
  const { identityUrl, client } = config.auth;
  const identity =
    identityUrl && client
      ? {
          url: identityUrl,
          token: clientCredentialToken({
            tokenUrl: `${identityUrl.replace(/\/+$/, '')}${TOKEN_PATH}`,
            clientId: client.id,
            clientSecret: client.secret,
          }),
        }
      : undefined;
  const running = await companion
    .start({
      env: process.env,
      logger,
      httpUrl: process.env.COMPANION_HTTP_URL ?? `http://127.0.0.1:${config.port}`,
      rpcUrl: process.env.COMPANION_RPC_URL,
      identity,
    })
    .catch((error: unknown) => exitOnConfigError(error, 2));
  if (!running) {
    logger.info('turned off by its settings');
    return;
  }
  logger.info(running.summary);
  stopOnSignals({ logger, stop: () => running.stop() }, config.shutdownTimeoutMs);
}

/** The configuration of a process of these applications (their stream unless NATS_STREAM says otherwise). */
const loadConfigFor = (applications: readonly Application[]) =>
  loadConfig(process.env, { natsStream: streamOf(applications, process.env) });
