import type { Application } from '../application.js';
import { DEFAULT_RPC_PORT } from '../config.js';
import { IDENTITY_SERVICE } from '../gateway/gateway.js';
import {
  databasePrefixOf,
  identityDatabaseOf,
  launcherSettings,
  SERVICES_CLIENT_ID,
  streamNameOf,
} from '../launcher/plan.js';
import { formatServiceAddresses } from '../service-addresses.js';

// What every generated deployment file shares (the topology's names, YAML and comments), and the small files:
// the PostgreSQL init script, Prometheus's jobs, .env.example. Compose and Kubernetes have files of their own.

/**
 * What the deployment files of a repository need beyond its applications' definitions: the image they all run
 * and how it runs the repository's entry.
 */
export interface DeploymentSettings {
  /** The image every process runs, untagged: compose tags it `:latest`, kustomize's `images` maps it. */
  readonly image: string;
  /** What runs the repository's entry in the image, before its command (`node dist/main.js`). */
  readonly entry: readonly string[];
}

/** The ports every process of the image listens on, and the addresses the generated topologies give. */
export const HTTP_PORT = 8080;
export const RPC_PORT = DEFAULT_RPC_PORT;
export const NATS_URL = 'nats://nats:4222';
export const POSTGRES = 'postgres:5432';
/**
 * Whom a module process believes X-Forwarded-For from: the gateway, at a private address on the compose network
 * or the cluster's pod network (TRUST_PROXY; the gateway passes on only what it believes itself).
 */
export const GATEWAY_ADDRESSES = 'uniquelocal';

/**
 * The built-in identity provider's process (`identity`): one per system, as the launcher runs it. Every module
 * process checks tokens against its keys and opens accounts there; the gateway passes its routes on.
 */
export const IDENTITY = IDENTITY_SERVICE;
export const IDENTITY_URL = `http://${IDENTITY}:${HTTP_PORT}`;
export const JWKS_URL = `${IDENTITY_URL}/.well-known/jwks.json`;
/**
 * The issuer tokens name and every process checks: the gateway's public URL. The generated deployments default
 * it to where README's commands reach the gateway (compose's host port, a `kubectl port-forward`).
 */
export const DEFAULT_ISSUER = `http://localhost:${HTTP_PORT}`;
/** The client id the launcher gives its module processes; the deployments suggest it for theirs. */
export const SERVICES_CLIENT = SERVICES_CLIENT_ID;
/** The file an application is defined in, as the repository's entry finds it (`discoverApplications`). */
export const definitionOf = (application: Application) => `apps/${application.name}/src/app.ts`;

/** The command that writes every generated deployment file again. */
export const REGENERATE = 'npm run generate:deploy';

/**
 * Where every process of the compose file sends its traces: the observability profile's collector (OTLP over
 * HTTP, the SDK's default protocol). From the environment when set there: empty, no process exports (without
 * the profile, the exports would only fail); unset, the collector.
 */
export const COMPOSE_OTLP_ENDPOINT = `\${OTEL_EXPORTER_OTLP_ENDPOINT-http://collector:4318}`;
/** Where the operations console opens a message's trace: the observability profile's Jaeger, on the host. */
export const COMPOSE_TRACES_URL = `\${TRACES_URL-http://localhost:8081/trace/{traceId}}`;
/** The standard variables a compose service exports its traces with, as `service` (ADR 0045). */
export const composeTelemetry = (service: string) =>
  [
    ['OTEL_SERVICE_NAME', service],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', COMPOSE_OTLP_ENDPOINT],
  ] as const;

/** The first line of every file the generator writes whole (`#` or `--` in front). */
export const generatedHeader = (from: string) =>
  `Generated from ${from} by \`${REGENERATE}\`: change that, not this file.`;

/** The names a deployed application's processes, databases and Kubernetes objects take. */
export interface Topology {
  readonly application: Application;
  readonly title: string;
  /** The monolith's database and role; each module's are `<database>_<module>`, as the launcher makes them. */
  readonly database: string;
  readonly stream: string;
  readonly modules: ReadonlyArray<{ name: string; database: string }>;
  readonly companions: ReadonlyArray<{ name: string; beside: string }>;
  /** `HTTP_SERVICES`: each module's service on its HTTP port, and the identity provider's. */
  readonly httpServices: string;
  /** The identity provider's database and role in this application's own deployment (Kubernetes). */
  readonly identityDatabase: string;
  /** `RPC_SERVICES`: each RPC provider's service on its RPC port; '' when it has none. */
  readonly rpcServices: string;
  readonly configMap: string;
  /** The Secret of each process's DATABASE_URL, by module name (and `identity`). */
  readonly secret: string;
  /** The Secret of the service credential and the first operator's (Kubernetes). */
  readonly identitySecret: string;
}

export function topologyOf(application: Application): Topology {
  // The launcher's defaults: the same databases, roles and stream as `launch` makes on a developer's machine.
  const defaults = launcherSettings({});
  const prefix = databasePrefixOf(application, defaults);
  const names = application.modules.map((module) => module.name);
  return {
    application,
    title: application.title,
    database: prefix,
    stream: streamNameOf(application, defaults),
    modules: names.map((name) => ({ name, database: `${prefix}_${name}` })),
    companions: application.companions.map(({ name, beside }) => ({ name, beside })),
    httpServices: httpServicesOf([application]),
    // A namespace of its own (Kubernetes): the application is the system there.
    identityDatabase: identityDatabaseOf([application], defaults),
    rpcServices: formatServiceAddresses(
      names
        .filter((name) => application.rpcProviders.includes(name))
        .map((name) => [name, `http://${name}:${RPC_PORT}`]),
    ),
    configMap: `${application.name}-config`,
    secret: `${application.name}-database`,
    identitySecret: `${application.name}-identity`,
  };
}

/** `HTTP_SERVICES` of a gateway in front of these applications: each module's service, and the identity provider's. */
export const httpServicesOf = (applications: readonly Application[]) =>
  formatServiceAddresses([
    ...applications.flatMap((application) =>
      application.modules.map((module): [string, string] => [
        module.name,
        `http://${module.name}:${HTTP_PORT}`,
      ]),
    ),
    [IDENTITY, IDENTITY_URL],
  ]);

/**
 * The identity provider's database and role where several applications share one system (compose): the one
 * application's `<prefix>_identity`, as the launcher makes it, or `tessera_identity` for several.
 */
export const sharedIdentityDatabase = (applications: readonly Application[]): string =>
  identityDatabaseOf(applications, launcherSettings({}));

// --- YAML and comments ---------------------------------------------------------------------------------------

const YAML_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML scalar: plain when it reads as the same string in YAML 1.1 and 1.2 (compose, kubectl), else quoted. */
export function scalar(value: string): string {
  const plain =
    /^[\w/][\w./:@,=+-]*$/.test(value) &&
    !YAML_WORDS.test(value) &&
    !/:$|: | #/.test(value) &&
    // Numbers (and YAML 1.1's 1:30 sexagesimals) would not be strings.
    !/^[-+]?[\d._]+([eE][-+]?\d+)?$|^\d.*:/.test(value);
  return plain ? value : JSON.stringify(value);
}

export const flow = (values: readonly string[]) =>
  `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;

/** Words wrapped into comment lines of at most `width` characters, each starting with `indent` and `mark`. */
export function comment(text: string, indent = '', mark = '#', width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line === '' ? `${indent}${mark} ${word}` : `${line} ${word}`;
    if (line !== '' && next.length > width) {
      lines.push(line);
      line = `${indent}${mark} ${word}`;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A whole generated file: its header (after `mark`, the comment mark of its language), then `lines`. */
export const file = (from: string, mark: string, ...lines: string[]) =>
  `${[`${mark} ${generatedHeader(from)}`, ...lines].join('\n')}\n`;

export const and = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

// --- PostgreSQL, Prometheus, .env.example --------------------------------------------------------------------

// A module's name may have a '-' (the launcher quotes it too): such an identifier needs quotes.
const quoted = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);
const createDatabase = (name: string) => [
  `CREATE ROLE ${quoted(name)} LOGIN PASSWORD '${name}';`,
  `CREATE DATABASE ${quoted(name)} OWNER ${quoted(name)};`,
];
const INIT_PREAMBLE = [
  '-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).',
  ...comment(
    "Development only: each password is its role's name. In production the databases and roles come " +
      'from your provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").',
    '',
    '--',
  ),
];

/** The PostgreSQL init script's file for an application, and for the identity provider all of them share. */
export const postgresInitPath = (application: Application) =>
  `deploy/postgres/init/01-${application.name}.sql`;
export const IDENTITY_INIT_PATH = `deploy/postgres/init/00-${IDENTITY}.sql`;

/**
 * The PostgreSQL init script of the compose profiles: a database and LOGIN role for the monolith, and one per
 * module for the distributed profile, each role owning its database and its password its own name.
 */
export function postgresInit(application: Application): string {
  const topology = topologyOf(application);
  return file(
    definitionOf(application),
    '--',
    ...INIT_PREAMBLE,
    '',
    "-- The monolith: every module's schemas in one database.",
    ...createDatabase(topology.database),
    '',
    ...comment(
      'Distributed: each module in a process of its own, with its own database and role, so that no module ' +
        "can read another's tables; they meet only through messages and their public APIs.",
      '',
      '--',
    ),
    ...topology.modules.flatMap(({ database }, index) => [
      ...(index > 0 ? [''] : []),
      ...createDatabase(database),
    ]),
  );
}

/**
 * The init script of the identity provider the compose system's applications share (the distributed profile's
 * `identity`): its own database and role, as a module's.
 */
export function identityInit(applications: readonly Application[], from: string): string {
  const whose =
    applications.length > 1 ? `every application (${and(applications.map((a) => a.name))})` : 'the system';
  return file(
    from,
    '--',
    ...INIT_PREAMBLE,
    '',
    ...comment(
      `The distributed profile's identity provider (\`${IDENTITY}\`: accounts, client credentials, sessions, ` +
        `signing keys), one for ${whose}, in a database and role of its own.`,
      '',
      '--',
    ),
    ...createDatabase(sharedIdentityDatabase(applications)),
  );
}

const scrapeJob = (name: string) => [
  `  - job_name: ${name}`,
  '    scrape_interval: 10s',
  '    static_configs:',
  `      - targets: ["${name}:${HTTP_PORT}"]`,
];

/** Prometheus jobs for `scrape_configs:` (indented two spaces): each module's process, on its HTTP port. */
export function prometheusJobs(application: Application): string {
  return topologyOf(application)
    .modules.flatMap(({ name }) => scrapeJob(name))
    .join('\n');
}

/** The Prometheus job of the identity provider the applications share, for `scrape_configs:`. */
export const identityPrometheusJob = () => scrapeJob(IDENTITY).join('\n');

/** The entries of `.env.example` whose documentation lists what the applications define. */
export function environmentExample(applications: readonly Application[]): string {
  const several = applications.length > 1;
  const modules = applications.map(
    (application) =>
      `${several ? `${application.name}: ` : ''}${application.modules.map((m) => m.name).join(', ')}`,
  );
  const companions = applications.flatMap((application) =>
    application.companions.map(
      (companion) =>
        `${several ? `${application.name}${application.name.endsWith('s') ? "'" : "'s"} ` : ''}${companion.name} beside ${companion.beside}`,
    ),
  );
  return [
    ...comment(
      `The applications this process runs, comma-separated (${applications.map((a) => a.name).join(', ')}); ` +
        'empty or all: every one (ADR 0021).',
    ),
    'APPS=',
    ...comment(
      `The modules this process runs, comma-separated (${modules.join('; ')}); empty or all: every one, ` +
        'the monolith (ADR 0019).',
    ),
    'MODULES=',
    ...comment(
      `off: no companions (${companions.join(', ') || 'none'}) in this process; the launcher runs them as ` +
        'their own.',
    ),
    'COMPANIONS=on',
  ].join('\n');
}
