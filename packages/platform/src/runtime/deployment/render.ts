import type { Application } from '../application.js';
import { DEFAULT_RPC_PORT } from '../config.js';
import { launcherSettings } from '../launcher/plan.js';
import { formatServiceAddresses } from '../service-addresses.js';

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
const NATS_URL = 'nats://nats:4222';
const POSTGRES = 'postgres:5432';

/** The file an application is defined in, as the repository's entry finds it (`discoverApplications`). */
export const definitionOf = (application: Application) => `apps/${application.name}/src/app.ts`;

/** The command that writes every generated deployment file again. */
export const REGENERATE = 'npm run generate:deploy';

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
  /** `HTTP_SERVICES`: each module's service on its HTTP port. */
  readonly httpServices: string;
  /** `RPC_SERVICES`: each RPC provider's service on its RPC port; '' when it has none. */
  readonly rpcServices: string;
  readonly configMap: string;
  readonly secret: string;
}

export function topologyOf(application: Application): Topology {
  // The launcher's defaults: the same databases, roles and stream as `launch` makes on a developer's machine.
  const defaults = launcherSettings(application, {});
  const names = application.modules.map((module) => module.name);
  return {
    application,
    title: application.title,
    database: defaults.DISTRIBUTED_PREFIX,
    stream: defaults.NATS_STREAM,
    modules: names.map((name) => ({ name, database: `${defaults.DISTRIBUTED_PREFIX}_${name}` })),
    companions: application.companions.map(({ name, beside }) => ({ name, beside })),
    httpServices: formatServiceAddresses(names.map((name) => [name, `http://${name}:${HTTP_PORT}`])),
    rpcServices: formatServiceAddresses(
      names
        .filter((name) => application.rpcProviders.includes(name))
        .map((name) => [name, `http://${name}:${RPC_PORT}`]),
    ),
    configMap: `${application.name}-config`,
    secret: `${application.name}-database`,
  };
}

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

const flow = (values: readonly string[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;

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

const and = (items: readonly string[]) =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

// --- Compose -------------------------------------------------------------------------------------------------

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

// --- Kubernetes ----------------------------------------------------------------------------------------------

const labels = (application: Application, component: string, indent: string) => [
  `${indent}app.kubernetes.io/name: ${application.name}`,
  `${indent}app.kubernetes.io/component: ${component}`,
];

const POD_SECURITY = [
  '      securityContext:',
  '        runAsNonRoot: true',
  "        # The image's `node` user.",
  '        runAsUser: 1000',
  '        runAsGroup: 1000',
];

const PROBES = [
  '          # A slow first start (migrations, a database still starting) must not count against the liveness probe.',
  '          startupProbe:',
  '            httpGet:',
  '              path: /liveness',
  '              port: http',
  '            periodSeconds: 2',
  '            failureThreshold: 60',
  '          livenessProbe:',
  '            httpGet:',
  '              path: /liveness',
  '              port: http',
  '            periodSeconds: 10',
  '            timeoutSeconds: 3',
  '            failureThreshold: 3',
  '          readinessProbe:',
  '            httpGet:',
  '              path: /readiness',
  '              port: http',
  '            periodSeconds: 5',
  '            timeoutSeconds: 3',
  '            failureThreshold: 2',
];

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => [
  '          resources:',
  '            requests:',
  `              cpu: ${cpu}`,
  `              memory: ${memory}`,
  '            limits:',
  `              cpu: ${scalar(cpuLimit)}`,
  `              memory: ${memoryLimit}`,
];

const READ_ONLY = [
  '          securityContext:',
  '            allowPrivilegeEscalation: false',
  '            readOnlyRootFilesystem: true',
  '            capabilities:',
  '              drop: [ALL]',
  '          # Only /tmp is writable (temporary files); the rest of the filesystem is read-only.',
  '          volumeMounts:',
  '            - name: tmp',
  '              mountPath: /tmp',
  '      volumes:',
  '        - name: tmp',
  '          emptyDir: {}',
];

interface WorkloadParts {
  readonly name: string;
  readonly annotations?: readonly string[];
  readonly gracePeriod?: readonly string[];
  readonly container: readonly string[];
}

function deployment(application: Application, settings: DeploymentSettings, parts: WorkloadParts) {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${parts.name}`,
    '  labels:',
    ...labels(application, parts.name, '    '),
    'spec:',
    '  replicas: 1',
    '  selector:',
    '    matchLabels:',
    ...labels(application, parts.name, '      '),
    '  template:',
    '    metadata:',
    '      labels:',
    ...labels(application, parts.name, '        '),
    ...(parts.annotations ?? []),
    '    spec:',
    ...(parts.gracePeriod ?? []),
    ...POD_SECURITY,
    '      containers:',
    `        - name: ${parts.name}`,
    `          image: ${settings.image}`,
    '          imagePullPolicy: IfNotPresent',
    ...parts.container,
  ];
}

function service(application: Application, name: string, ports: readonly string[]) {
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    ...labels(application, name, '    '),
    'spec:',
    '  selector:',
    ...labels(application, name, '    '),
    '  ports:',
    ...ports,
  ];
}

const HTTP_SERVICE_PORT = ['    - name: http', `      port: ${HTTP_PORT}`, '      targetPort: http'];

const file = (from: string, mark: string, ...lines: string[]) =>
  `${[`${mark} ${generatedHeader(from)}`, ...lines].join('\n')}\n`;

/**
 * An application's generated Kubernetes manifests, by path relative to its kustomization's folder: a
 * Deployment and Service per module (`modules/<name>.yaml`), the gateway, each companion, the ConfigMap the
 * processes share and the shape of the database Secret (an example, not a resource).
 */
export function kubernetesManifests(
  application: Application,
  settings: DeploymentSettings,
): ReadonlyMap<string, string> {
  const topology = topologyOf(application);
  const from = definitionOf(application);
  const files = new Map<string, string>();
  const envFromConfig = [
    '          envFrom:',
    '            - configMapRef:',
    `                name: ${topology.configMap}`,
  ];
  const gracePeriod = [
    '      # Above SHUTDOWN_TIMEOUT (10s): a stopping process finishes its requests and messages first.',
    '      terminationGracePeriodSeconds: 30',
  ];

  for (const module of topology.modules) {
    files.set(
      `modules/${module.name}.yaml`,
      file(
        from,
        '#',
        ...comment(
          `The ${module.name} module in a process of its own (MODULES=${module.name}), with its own ` +
            `database (DATABASE_URL from the ${topology.secret} Secret, key ${module.name}).`,
        ),
        ...deployment(application, settings, {
          name: module.name,
          annotations: [
            '      annotations:',
            '        prometheus.io/scrape: "true"',
            `        prometheus.io/port: "${HTTP_PORT}"`,
            '        prometheus.io/path: /metrics',
          ],
          gracePeriod,
          container: [
            ...envFromConfig,
            '          env:',
            '            - name: MODULES',
            `              value: ${module.name}`,
            '            - name: DATABASE_URL',
            '              valueFrom:',
            '                secretKeyRef:',
            `                  name: ${topology.secret}`,
            `                  key: ${module.name}`,
            '          ports:',
            '            - name: http',
            `              containerPort: ${HTTP_PORT}`,
            '            - name: grpc',
            `              containerPort: ${RPC_PORT}`,
            ...PROBES,
            ...resources('100m', '256Mi', '1', '512Mi'),
            ...READ_ONLY,
          ],
        }),
        '---',
        ...service(application, module.name, [
          ...HTTP_SERVICE_PORT,
          '    - name: grpc',
          `      port: ${RPC_PORT}`,
          '      targetPort: grpc',
          '      # Connect, gRPC and gRPC-Web over HTTP/2 cleartext.',
          '      appProtocol: kubernetes.io/h2c',
        ]),
      ),
    );
  }

  files.set(
    'gateway.yaml',
    file(
      from,
      '#',
      ...comment(
        "The one entrance: /api/<module> and /admin/<module>/... to each module's Service (HTTP_SERVICES). " +
          'Expose it with the Ingress or LoadBalancer your cluster uses, or ' +
          `\`kubectl -n ${application.name} port-forward svc/gateway ${HTTP_PORT}\`.`,
      ),
      ...deployment(application, settings, {
        name: 'gateway',
        gracePeriod: ['      terminationGracePeriodSeconds: 30'],
        container: [
          `          command: ${flow([...settings.entry, 'gateway'])}`,
          ...envFromConfig,
          '          ports:',
          '            - name: http',
          `              containerPort: ${HTTP_PORT}`,
          ...PROBES,
          ...resources('50m', '128Mi', '1', '256Mi'),
          ...READ_ONLY,
        ],
      }),
      '---',
      ...service(application, 'gateway', HTTP_SERVICE_PORT),
    ),
  );

  for (const companion of topology.companions) {
    files.set(
      `${companion.name}.yaml`,
      file(
        from,
        '#',
        ...comment(
          `The companion ${companion.name}, beside the ${companion.beside} module, in a process of its own ` +
            `(\`companion ${companion.name}\`). Scale it to 0 to do without it. It serves no HTTP, so it has ` +
            'no probes.',
        ),
        ...deployment(application, settings, {
          name: companion.name,
          container: [
            `          command: ${flow([...settings.entry, 'companion', companion.name])}`,
            '          env:',
            '            - name: APPS',
            `              value: ${application.name}`,
            '            - name: COMPANION_HTTP_URL',
            `              value: http://${companion.beside}:${HTTP_PORT}`,
            '            - name: COMPANION_RPC_URL',
            `              value: http://${companion.beside}:${RPC_PORT}`,
            '            - name: LOG_FORMAT',
            '              value: json',
            ...resources('50m', '128Mi', '500m', '256Mi'),
            ...READ_ONLY,
          ],
        }),
      ),
    );
  }

  files.set(
    'config.yaml',
    file(
      from,
      '#',
      `# Settings every ${topology.title} process shares. Per-process ones (MODULES, DATABASE_URL) are in each Deployment.`,
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${topology.configMap}`,
      'data:',
      `  APPS: ${application.name}`,
      `  NATS_URL: ${NATS_URL}`,
      `  NATS_STREAM: ${scalar(topology.stream)}`,
      "  # Where modules call each other synchronously (Connect RPC), and where the gateway sends each module's routes.",
      ...(topology.rpcServices ? [`  RPC_SERVICES: ${scalar(topology.rpcServices)}`] : []),
      `  HTTP_SERVICES: ${scalar(topology.httpServices)}`,
      '  LOG_FORMAT: json',
      ...(topology.companions.length > 0
        ? [
            `  # The companions (${and(topology.companions.map((c) => c.name))}) run in Deployments of their own, not inside their module's process.`,
            '  COMPANIONS: "off"',
          ]
        : []),
    ),
  );

  const url = (module: string, password: string) =>
    `postgres://${topology.database}_${module}:${password}@db.example.com:5432/${topology.database}_${module}`;
  files.set(
    'database-secret.example.yaml',
    file(
      from,
      '#',
      ...comment(
        `The shape of the ${topology.secret} Secret: one key per module, each that module's own database and ` +
          'role. Do not apply this file (its values are placeholders, and kustomization.yaml leaves it out); ' +
          'create the real Secret from your values instead, for example:',
      ),
      `#   kubectl -n ${application.name} create secret generic ${topology.secret} \\`,
      ...topology.modules.map(
        ({ name }, index) =>
          `#     --from-literal=${name}='${url(name, 'PASSWORD')}'${index < topology.modules.length - 1 ? ' \\' : ''}`,
      ),
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      `  name: ${topology.secret}`,
      `  namespace: ${application.name}`,
      'type: Opaque',
      'stringData:',
      ...topology.modules.map(({ name }) => `  ${name}: ${url(name, 'CHANGE-ME')}`),
    ),
  );
  return files;
}

/** The manifests a kustomization lists (its `resources:`, indented two spaces): all but the example Secret. */
export function kustomizationResources(manifests: ReadonlyMap<string, string>): string {
  const order = (path: string) => (path === 'config.yaml' ? 0 : path.startsWith('modules/') ? 1 : 2);
  const listed = [...manifests.keys()].filter((path) => !path.endsWith('.example.yaml'));
  // Stable sort: config first, then the modules in start order, then the gateway and the companions.
  return listed
    .sort((a, b) => order(a) - order(b))
    .map((path) => `  - ${path}`)
    .join('\n');
}

// --- PostgreSQL, Prometheus, .env.example --------------------------------------------------------------------

/**
 * The PostgreSQL init script of the compose profiles: a database and LOGIN role for the monolith, and one per
 * module for the distributed profile, each role owning its database and its password its own name.
 */
export function postgresInit(application: Application): string {
  const topology = topologyOf(application);
  // A module's name may have a '-' (the launcher quotes it too): such an identifier needs quotes.
  const quoted = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);
  const create = (name: string) => [
    `CREATE ROLE ${quoted(name)} LOGIN PASSWORD '${name}';`,
    `CREATE DATABASE ${quoted(name)} OWNER ${quoted(name)};`,
  ];
  return file(
    definitionOf(application),
    '--',
    '-- Runs once, when the compose PostgreSQL starts on an empty volume (/docker-entrypoint-initdb.d).',
    ...comment(
      "Development only: each password is its role's name. In production the databases and roles come " +
        'from your provisioning, and each process gets its DATABASE_URL from a secret (README.md, "Deploying").',
      '',
      '--',
    ),
    '',
    "-- The monolith: every module's schemas in one database.",
    ...create(topology.database),
    '',
    ...comment(
      'Distributed: each module in a process of its own, with its own database and role, so that no module ' +
        "can read another's tables; they meet only through messages and their public APIs.",
      '',
      '--',
    ),
    ...topology.modules.flatMap(({ database }, index) => [...(index > 0 ? [''] : []), ...create(database)]),
  );
}

/** Prometheus jobs for `scrape_configs:` (indented two spaces): each module's process, on its HTTP port. */
export function prometheusJobs(application: Application): string {
  return topologyOf(application)
    .modules.flatMap(({ name }) => [
      `  - job_name: ${name}`,
      '    scrape_interval: 10s',
      '    static_configs:',
      `      - targets: ["${name}:${HTTP_PORT}"]`,
    ])
    .join('\n');
}

/** The entries of `.env.example` whose documentation lists what the applications define. */
export function environmentExample(applications: readonly Application[]): string {
  const several = applications.length > 1;
  const modules = applications.map(
    (application) =>
      `${several ? `${application.name}: ` : ''}${application.modules.map((m) => m.name).join(', ')}`,
  );
  const companions = applications.flatMap((application) =>
    application.companions.map(
      (companion) => `${several ? `${application.name}'s ` : ''}${companion.name} beside ${companion.beside}`,
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
