import type { Application } from '../application.js';
import { traceServices } from '../launcher/plan.js';
import {
  and,
  COMPOSE_TRACES_URL,
  comment,
  composeTelemetry,
  DEFAULT_ISSUER,
  type DeploymentSettings,
  flow,
  GATEWAY_ADDRESSES,
  HTTP_PORT,
  httpServicesOf,
  IDENTITY,
  IDENTITY_INIT_PATH,
  IDENTITY_URL,
  JWKS_URL,
  NATS_URL,
  POSTGRES,
  postgresInitPath,
  RPC_PORT,
  SERVICES_CLIENT,
  scalar,
  sharedIdentityDatabase,
  topologyOf,
} from './render.js';

// The compose services of an application's distributed profile, generated from its definition, and the
// gateway and identity provider every application of the compose file shares.

/**
 * A variable compose takes from the environment or the untracked `.env` beside compose.yaml: never written
 * here. Empty when unset (`:-`), not compose's `:?` error: compose interpolates every service whatever the
 * profile, so a `:?` here would stop the monolith and observability profiles too. The processes refuse to
 * start on half a credential instead, naming the variable.
 */
const fromEnvironment = (name: string, fallback = '') => `\${${name}:-${fallback}}`;

/** The issuer every process of the profile agrees on: AUTH_ISSUER, else the gateway on the host's port. */
const ISSUER = fromEnvironment('AUTH_ISSUER', DEFAULT_ISSUER);
/** The service credential: the modules' client at the identity provider, which registers it. */
const CLIENT_CREDENTIAL = [
  ['AUTH_CLIENT_ID', fromEnvironment('AUTH_CLIENT_ID')],
  ['AUTH_CLIENT_SECRET', fromEnvironment('AUTH_CLIENT_SECRET')],
] as const;

const healthy = (names: readonly string[]) => [
  '    depends_on:',
  ...names.flatMap((name) => [`      ${name}:`, '        condition: service_healthy']),
];

const environment = (variables: ReadonlyArray<readonly [string, string]>) => [
  '    environment:',
  ...variables.map(([name, value]) => `      ${name}: ${scalar(value)}`),
];

/**
 * The services of an application's distributed profile, for the `services:` of a compose file (indented
 * two spaces): a process per module on its own database and role, and each companion beside its module. They
 * expect services `postgres` and `nats` (with health checks) beside them, and the file's `gateway` and
 * `identity` (`composeGateway`, `composeIdentity`).
 */
export function composeServices(application: Application, settings: DeploymentSettings): string {
  const topology = topologyOf(application);
  const image = [`    image: ${settings.image}:latest`, '    build: .', '    restart: unless-stopped'];
  const lines: string[] = [
    ...comment(
      `${topology.title}, distributed: one process per module (MODULES), each on its own database and role ` +
        `(${postgresInitPath(application)}), all from the one image; the gateway and the identity provider, ` +
        'one for every application of this file, are further down' +
        (topology.companions.length > 0
          ? '; the companions are services of their own (COMPANIONS=off in the modules).'
          : '.'),
      '  ',
    ),
  ];
  for (const module of topology.modules) {
    lines.push(
      `  ${module.name}:`,
      ...image,
      '    profiles: [distributed]',
      // The identity provider first, as the launcher starts it.
      ...healthy(['postgres', 'nats', IDENTITY]),
      ...environment([
        ['APPS', application.name],
        ['MODULES', module.name],
        ['DATABASE_URL', `postgres://${module.database}:${module.database}@${POSTGRES}/${module.database}`],
        ['NATS_URL', NATS_URL],
        ['NATS_STREAM', topology.stream],
        ...(topology.rpcServices ? [['RPC_SERVICES', topology.rpcServices] as const] : []),
        // Where the other modules answer HTTP, as the launcher and the Kubernetes config tell them.
        ['HTTP_SERVICES', topology.httpServices],
        ...(topology.companions.length > 0 ? [['COMPANIONS', 'off'] as const] : []),
        ['TRUST_PROXY', GATEWAY_ADDRESSES],
        // Tokens are the identity provider's, checked against its keys; accounts are opened there.
        ['AUTH_ISSUER', ISSUER],
        ['AUTH_JWKS_URL', JWKS_URL],
        ['AUTH_IDENTITY_URL', IDENTITY_URL],
        ...CLIENT_CREDENTIAL,
        ...composeTelemetry(traceServices.module(application.name, module.name)),
        // Each module process answers the console's message flows: with where their traces open.
        ['TRACES_URL', COMPOSE_TRACES_URL],
        ['LOG_FORMAT', 'json'],
      ]),
      `    expose: ${flow([String(HTTP_PORT), String(RPC_PORT)])}`,
      '',
    );
  }
  for (const [index, companion] of topology.companions.entries()) {
    lines.push(
      ...(index > 0 ? [''] : []),
      ...comment(
        `The companion ${companion.name}, beside ${companion.beside}, in a process of its own.`,
        '  ',
      ),
      `  ${companion.name}:`,
      ...image,
      '    profiles: [distributed]',
      `    command: ${flow([...settings.entry, 'companion', companion.name])}`,
      ...environment([
        ['APPS', application.name],
        ['COMPANION_HTTP_URL', `http://${companion.beside}:${HTTP_PORT}`],
        ['COMPANION_RPC_URL', `http://${companion.beside}:${RPC_PORT}`],
        ...composeTelemetry(traceServices.companion(application.name, companion.beside)),
        ['LOG_FORMAT', 'json'],
      ]),
      "    # No HTTP port: the image's /readiness check does not apply.",
      '    healthcheck:',
      '      disable: true',
      ...healthy([companion.beside]),
    );
  }
  while (lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

/**
 * The one gateway of the distributed profile, for the `services:` of a compose file (indented two spaces): every
 * application of the file behind host port 8080, each under its path prefix (APPS names them all), so that a
 * compose file is one system as `npm start` is one process (ADR 0027).
 */
export function composeGateway(applications: readonly Application[], settings: DeploymentSettings): string {
  const modules = applications.flatMap((application) => application.modules.map((module) => module.name));
  return [
    ...comment(
      `The one entrance of the distributed profile, for ${and(applications.map((a) => a.title))}: each ` +
        "application's /api/<module> and /admin/<module>/... under its path prefix to that module's process, " +
        "and the identity provider's routes to it (HTTP_SERVICES).",
      '  ',
    ),
    '  gateway:',
    `    image: ${settings.image}:latest`,
    '    build: .',
    '    restart: unless-stopped',
    '    profiles: [distributed]',
    `    command: ${flow([...settings.entry, 'gateway'])}`,
    ...environment([
      ['APPS', applications.map((application) => application.name).join(',')],
      ['HTTP_SERVICES', httpServicesOf(applications)],
      ...composeTelemetry(traceServices.gateway),
      ['LOG_FORMAT', 'json'],
    ]),
    '    ports:',
    `      - "${HTTP_PORT}:${HTTP_PORT}"`,
    ...healthy([...modules, IDENTITY]),
  ].join('\n');
}

/**
 * The identity provider of the distributed profile, for the `services:` of a compose file (indented two
 * spaces): one for every application of the file, as one launch runs one (`identity`, on its own database and
 * role; its own embedded broker, as it sends no messages). Its secrets come from the environment or `.env`.
 */
export function composeIdentity(applications: readonly Application[], settings: DeploymentSettings): string {
  const database = sharedIdentityDatabase(applications);
  return [
    ...comment(
      'The identity provider of the distributed profile: tokens, keys and accounts for every process of ' +
        `${and(applications.map((application) => application.title))}, one for the whole file, on its own ` +
        `database and role (${IDENTITY_INIT_PATH}). Tokens name the gateway (AUTH_ISSUER, default ` +
        `${DEFAULT_ISSUER}). Give the service credential in the environment or the untracked .env beside ` +
        `this file (AUTH_CLIENT_ID=${SERVICES_CLIENT} and AUTH_CLIENT_SECRET, e.g. \`openssl rand -hex 32\`): ` +
        'the module processes do not start without it. OPERATOR_USERNAME and OPERATOR_PASSWORD make the ' +
        "first operator; unset, one is generated and printed once in this service's log " +
        '(README.md, "Deploying").',
      '  ',
    ),
    `  ${IDENTITY}:`,
    `    image: ${settings.image}:latest`,
    '    build: .',
    '    restart: unless-stopped',
    '    profiles: [distributed]',
    `    command: ${flow([...settings.entry, IDENTITY])}`,
    ...healthy(['postgres']),
    ...environment([
      ['DATABASE_URL', `postgres://${database}:${database}@${POSTGRES}/${database}`],
      ['AUTH_ISSUER', ISSUER],
      ...CLIENT_CREDENTIAL,
      ['OPERATOR_USERNAME', fromEnvironment('OPERATOR_USERNAME')],
      ['OPERATOR_PASSWORD', fromEnvironment('OPERATOR_PASSWORD')],
      // Clients come through the gateway, at an address on the compose network: it tells theirs (rate limits).
      ['TRUST_PROXY', GATEWAY_ADDRESSES],
      ...composeTelemetry(traceServices.identity),
      ['LOG_FORMAT', 'json'],
    ]),
    `    expose: ${flow([String(HTTP_PORT)])}`,
  ].join('\n');
}
