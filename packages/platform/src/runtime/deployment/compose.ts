import type { Application } from '../application.js';
import {
  comment,
  type DeploymentSettings,
  flow,
  GATEWAY_ADDRESSES,
  HTTP_PORT,
  NATS_URL,
  POSTGRES,
  RPC_PORT,
  scalar,
  topologyOf,
} from './render.js';

// The compose services of an application's distributed profile, generated from its definition.

/** The services `postgres` and `nats` healthy, on one line: every module's process waits for them. */
const INFRASTRUCTURE =
  '    depends_on: { postgres: { condition: service_healthy }, nats: { condition: service_healthy } }';

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
 * two spaces): a process per module on its own database and role, the gateway on host port 8080, and each
 * companion beside its module. They expect services `postgres` and `nats` (with health checks) beside them.
 */
export function composeServices(application: Application, settings: DeploymentSettings): string {
  const topology = topologyOf(application);
  const image = [`    image: ${settings.image}:latest`, '    build: .', '    restart: unless-stopped'];
  const lines: string[] = [
    ...comment(
      `${topology.title}, distributed: one process per module (MODULES), each on its own database and role ` +
        `(deploy/postgres/init/01-${application.name}.sql), all from the one image` +
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
      INFRASTRUCTURE,
      ...environment([
        ['APPS', application.name],
        ['MODULES', module.name],
        ['DATABASE_URL', `postgres://${module.database}:${module.database}@${POSTGRES}/${module.database}`],
        ['NATS_URL', NATS_URL],
        ['NATS_STREAM', topology.stream],
        ...(topology.rpcServices ? [['RPC_SERVICES', topology.rpcServices] as const] : []),
        ...(topology.companions.length > 0 ? [['COMPANIONS', 'off'] as const] : []),
        ['TRUST_PROXY', GATEWAY_ADDRESSES],
        ['LOG_FORMAT', 'json'],
      ]),
      `    expose: ${flow([String(HTTP_PORT), String(RPC_PORT)])}`,
      '',
    );
  }
  lines.push(
    ...comment(
      'The one entrance of the distributed profile: /api/<module> and /admin/<module>/... to each ' +
        "module's process (HTTP_SERVICES).",
      '  ',
    ),
    '  gateway:',
    ...image,
    '    profiles: [distributed]',
    `    command: ${flow([...settings.entry, 'gateway'])}`,
    ...environment([
      ['APPS', application.name],
      ['HTTP_SERVICES', topology.httpServices],
      ['LOG_FORMAT', 'json'],
    ]),
    '    ports:',
    `      - "${HTTP_PORT}:${HTTP_PORT}"`,
    ...healthy(topology.modules.map((module) => module.name)),
  );
  for (const companion of topology.companions) {
    lines.push(
      '',
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
        ['LOG_FORMAT', 'json'],
      ]),
      "    # No HTTP port: the image's /readiness check does not apply.",
      '    healthcheck:',
      '      disable: true',
      ...healthy([companion.beside]),
    );
  }
  return lines.join('\n');
}
