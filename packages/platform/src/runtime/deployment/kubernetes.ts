import type { Application } from '../application.js';
import { traceServices } from '../launcher/plan.js';
import {
  and,
  comment,
  DEFAULT_ISSUER,
  type DeploymentSettings,
  definitionOf,
  file,
  flow,
  GATEWAY_ADDRESSES,
  HTTP_PORT,
  IDENTITY,
  IDENTITY_URL,
  JWKS_URL,
  NATS_URL,
  RPC_PORT,
  SERVICES_CLIENT,
  scalar,
  topologyOf,
} from './render.js';

// An application's Kubernetes manifests (kustomize), generated from its definition.

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

/** A container's ports, by name: the probes and the Services' `targetPort` name them. */
const containerPorts = (...ports: ReadonlyArray<readonly [string, number]>) => [
  '          ports:',
  ...ports.flatMap(([name, port]) => [`            - name: ${name}`, `              containerPort: ${port}`]),
];

const HTTP_SERVICE_PORT = ['    - name: http', `      port: ${HTTP_PORT}`, '      targetPort: http'];

const SCRAPED = [
  '      annotations:',
  '        prometheus.io/scrape: "true"',
  `        prometheus.io/port: "${HTTP_PORT}"`,
  '        prometheus.io/path: /metrics',
];

/** A container's variable from a key of a Secret or a ConfigMap (an optional one may be missing). */
const fromKey = (
  variable: string,
  source: 'secretKeyRef' | 'configMapKeyRef',
  name: string,
  key: string,
  optional = false,
) => [
  `            - name: ${variable}`,
  '              valueFrom:',
  `                ${source}:`,
  `                  name: ${name}`,
  `                  key: ${key}`,
  ...(optional ? ['                  optional: true'] : []),
];

/**
 * An application's generated Kubernetes manifests, by path relative to its kustomization's folder: a
 * namespace of its own (ADR 0027), its NATS, a Deployment and Service per module (`modules/<name>.yaml`), the
 * identity provider, the gateway, each companion, the ConfigMap the processes share and the shape of the
 * database Secret (an example, not a resource).
 */
/** The trace's name of a Deployment's process (ADR 0045), as the launcher and the compose file name it. */
const serviceName = (name: string) => [
  '            - name: OTEL_SERVICE_NAME',
  `              value: ${name}`,
];

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
  // The Secret's keys are the variables' names: `kubectl create secret generic ... --from-literal=NAME=...`.
  const clientCredential = [
    ...fromKey('AUTH_CLIENT_ID', 'secretKeyRef', topology.identitySecret, 'AUTH_CLIENT_ID'),
    ...fromKey('AUTH_CLIENT_SECRET', 'secretKeyRef', topology.identitySecret, 'AUTH_CLIENT_SECRET'),
  ];
  const createIdentitySecret =
    `kubectl -n ${application.name} create secret generic ${topology.identitySecret} ` +
    `--from-literal=AUTH_CLIENT_ID=${SERVICES_CLIENT} --from-literal=AUTH_CLIENT_SECRET="$(openssl rand -hex 32)"`;

  for (const module of topology.modules) {
    files.set(
      `modules/${module.name}.yaml`,
      file(
        from,
        '#',
        ...comment(
          `The ${module.name} module in a process of its own (MODULES=${module.name}), with its own ` +
            `database (DATABASE_URL from the ${topology.secret} Secret, key ${module.name}); it checks tokens ` +
            `against the identity provider's keys and opens accounts there with the service credential (the ` +
            `${topology.identitySecret} Secret: see ${IDENTITY}.yaml).`,
        ),
        ...deployment(application, settings, {
          name: module.name,
          annotations: SCRAPED,
          gracePeriod,
          container: [
            ...envFromConfig,
            '          env:',
            '            - name: MODULES',
            `              value: ${module.name}`,
            ...serviceName(traceServices.module(application.name, module.name)),
            ...fromKey('DATABASE_URL', 'secretKeyRef', topology.secret, module.name),
            '            # Clients come through the gateway, at a pod address: it tells theirs (rate limits).',
            '            - name: TRUST_PROXY',
            `              value: ${GATEWAY_ADDRESSES}`,
            "            # The modules' client at the identity provider, which registers it with the service role.",
            ...clientCredential,
            ...containerPorts(['http', HTTP_PORT], ['grpc', RPC_PORT]),
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
    `${IDENTITY}.yaml`,
    file(
      from,
      '#',
      ...comment(
        `The identity provider (\`${IDENTITY}\`): tokens, keys and accounts for every ${topology.title} ` +
          'process, one for the namespace. The modules check tokens against its keys (AUTH_JWKS_URL) and open ' +
          'accounts there; the gateway passes its routes on. It has its own database (DATABASE_URL from the ' +
          `${topology.secret} Secret, key ${IDENTITY}). The service credential it registers and the modules ` +
          `present comes from the Secret ${topology.identitySecret}, which is not in the repository: create it ` +
          'before applying, once:',
      ),
      `#   ${createIdentitySecret}`,
      ...comment(
        'Add --from-literal=OPERATOR_USERNAME=... --from-literal=OPERATOR_PASSWORD=... (12 characters at ' +
          'least) for the first operator; without them one is generated at the first start and printed ' +
          `once in this Deployment's log (\`kubectl -n ${application.name} logs deploy/${IDENTITY} | ` +
          `grep "operator's credentials"\`).`,
      ),
      ...deployment(application, settings, {
        name: IDENTITY,
        annotations: SCRAPED,
        gracePeriod,
        container: [
          `          command: ${flow([...settings.entry, IDENTITY])}`,
          '          # Not the shared ConfigMap: with its AUTH_JWKS_URL a process checks tokens elsewhere, and this one',
          '          # needs no NATS (it sends no messages: the embedded broker in its own database).',
          '          env:',
          ...serviceName(traceServices.identity),
          ...fromKey('DATABASE_URL', 'secretKeyRef', topology.secret, IDENTITY),
          ...fromKey('AUTH_ISSUER', 'configMapKeyRef', topology.configMap, 'AUTH_ISSUER'),
          ...clientCredential,
          ...fromKey('OPERATOR_USERNAME', 'secretKeyRef', topology.identitySecret, 'OPERATOR_USERNAME', true),
          ...fromKey('OPERATOR_PASSWORD', 'secretKeyRef', topology.identitySecret, 'OPERATOR_PASSWORD', true),
          '            # Clients come through the gateway, at a pod address: it tells theirs (rate limits).',
          '            - name: TRUST_PROXY',
          `              value: ${GATEWAY_ADDRESSES}`,
          '            - name: LOG_FORMAT',
          '              value: json',
          ...containerPorts(['http', HTTP_PORT]),
          ...PROBES,
          // scrypt takes 32 MiB a password: a few logins at once.
          ...resources('100m', '256Mi', '1', '512Mi'),
          ...READ_ONLY,
        ],
      }),
      '---',
      ...service(application, IDENTITY, HTTP_SERVICE_PORT),
    ),
  );

  files.set(
    'gateway.yaml',
    file(
      from,
      '#',
      ...comment(
        "The one entrance: /api/<module> and /admin/<module>/... to each module's Service, and the identity " +
          "provider's routes (/.well-known, /oauth, /auth, /identity) to its Service (HTTP_SERVICES). " +
          'Its public URL is the issuer every token names (AUTH_ISSUER in config.yaml). ' +
          'Expose it with the Ingress or LoadBalancer your cluster uses, or ' +
          `\`kubectl -n ${application.name} port-forward svc/gateway ${HTTP_PORT}\`.`,
      ),
      ...deployment(application, settings, {
        name: 'gateway',
        gracePeriod: ['      terminationGracePeriodSeconds: 30'],
        container: [
          `          command: ${flow([...settings.entry, 'gateway'])}`,
          ...envFromConfig,
          '          env:',
          ...serviceName(traceServices.gateway),
          ...containerPorts(['http', HTTP_PORT]),
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
            ...serviceName(traceServices.companion(application.name, companion.beside)),
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
    'namespace.yaml',
    file(
      from,
      '#',
      `# The namespace of ${topology.title}: one per application, each with its own NATS, identity provider and gateway.`,
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      `  name: ${application.name}`,
    ),
  );

  files.set(
    'nats.yaml',
    file(
      from,
      '#',
      ...comment(
        'NATS with JetStream, one server, its stream on a persistent volume. A managed or clustered NATS works ' +
          `as well: point NATS_URL (${topology.configMap}) at it and leave this file out of kustomization.yaml.`,
      ),
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata:',
      '  name: nats',
      '  labels:',
      ...labels(application, 'nats', '    '),
      'spec:',
      '  serviceName: nats',
      '  replicas: 1',
      '  selector:',
      '    matchLabels:',
      ...labels(application, 'nats', '      '),
      '  template:',
      '    metadata:',
      '      labels:',
      ...labels(application, 'nats', '        '),
      '    spec:',
      '      containers:',
      '        - name: nats',
      '          image: nats:2-alpine',
      '          args: ["-js", "-sd", "/data", "-m", "8222"]',
      '          ports:',
      '            - name: client',
      '              containerPort: 4222',
      '            - name: monitor',
      '              containerPort: 8222',
      '          livenessProbe:',
      '            httpGet:',
      '              path: /healthz',
      '              port: monitor',
      '            periodSeconds: 10',
      '          readinessProbe:',
      '            httpGet:',
      '              path: /healthz?js-enabled-only=true',
      '              port: monitor',
      '            periodSeconds: 5',
      ...resources('100m', '128Mi', '1', '512Mi'),
      '          volumeMounts:',
      '            - name: data',
      '              mountPath: /data',
      '  volumeClaimTemplates:',
      '    - metadata:',
      '        name: data',
      '      spec:',
      '        accessModes: [ReadWriteOnce]',
      '        resources:',
      '          requests:',
      '            storage: 1Gi',
      '---',
      ...service(application, 'nats', ['    - name: client', '      port: 4222', '      targetPort: client']),
    ),
  );

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
      ...comment(
        'The issuer every token names and every process checks: the gateway as clients reach it. This default ' +
          `is the \`kubectl port-forward svc/gateway ${HTTP_PORT}\` of README.md, "Deploying"; behind an Ingress or ` +
          `a LoadBalancer, set its public URL (e.g. https://${application.name}.example.com) with a patch in ` +
          'kustomization.yaml (this file is generated). Tokens issued under another issuer stop being accepted.',
        '  ',
      ),
      `  AUTH_ISSUER: ${scalar(DEFAULT_ISSUER)}`,
      `  # Where the modules check tokens (the identity provider's keys) and open accounts.`,
      `  AUTH_JWKS_URL: ${scalar(JWKS_URL)}`,
      `  AUTH_IDENTITY_URL: ${scalar(IDENTITY_URL)}`,
      '  LOG_FORMAT: json',
      ...comment(
        "Traces (ADR 0045): set your collector's OTLP endpoint (e.g. http://otel-collector.observability:4318) " +
          'with a patch in kustomization.yaml, and every process exports its spans there; unset, none does.',
        '  ',
      ),
      '  # OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability:4318',
      ...(topology.companions.length > 0
        ? [
            `  # The companions (${and(topology.companions.map((c) => c.name))}) run in Deployments of their own, not inside their module's process.`,
            '  COMPANIONS: "off"',
          ]
        : []),
    ),
  );

  const url = (database: string, password: string) =>
    `postgres://${database}:${password}@db.example.com:5432/${database}`;
  const databases = [...topology.modules, { name: IDENTITY, database: topology.identityDatabase }];
  files.set(
    'database-secret.example.yaml',
    file(
      from,
      '#',
      ...comment(
        `The shape of the ${topology.secret} Secret: one key per module, each that module's own database and ` +
          `role, and one for the identity provider's (${IDENTITY}). Do not apply this file (its values are ` +
          'placeholders, and kustomization.yaml leaves it out); create the real Secret from your values ' +
          'instead, for example:',
      ),
      `#   kubectl -n ${application.name} create secret generic ${topology.secret} \\`,
      ...databases.map(
        ({ name, database }, index) =>
          `#     --from-literal=${name}='${url(database, 'PASSWORD')}'${index < databases.length - 1 ? ' \\' : ''}`,
      ),
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      `  name: ${topology.secret}`,
      `  namespace: ${application.name}`,
      'type: Opaque',
      'stringData:',
      ...databases.map(({ name, database }) => `  ${name}: ${url(database, 'CHANGE-ME')}`),
    ),
  );
  return files;
}

/**
 * The manifests each kustomization lists by hand, above its generated section: they derive from the
 * application's name only, and a managed NATS is this line removed.
 */
export const LISTED_BY_HAND: readonly string[] = ['namespace.yaml', 'nats.yaml'];

/**
 * The manifests a kustomization's generated section lists (its `resources:`, indented two spaces): all but the
 * example Secret and those `LISTED_BY_HAND`.
 */
export function kustomizationResources(manifests: ReadonlyMap<string, string>): string {
  const first = ['config.yaml', `${IDENTITY}.yaml`];
  const order = (path: string) =>
    first.includes(path)
      ? first.indexOf(path)
      : path.startsWith('modules/')
        ? first.length
        : first.length + 1;
  const listed = [...manifests.keys()].filter(
    (path) => !path.endsWith('.example.yaml') && !LISTED_BY_HAND.includes(path),
  );
  // Stable sort, in the launcher's start order: config, the identity provider, the modules in start order,
  // then the gateway and the companions.
  return listed
    .sort((a, b) => order(a) - order(b))
    .map((path) => `  - ${path}`)
    .join('\n');
}
