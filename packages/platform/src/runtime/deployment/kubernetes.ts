import type { Application } from '../application.js';
import {
  and,
  comment,
  type DeploymentSettings,
  definitionOf,
  file,
  flow,
  GATEWAY_ADDRESSES,
  HTTP_PORT,
  NATS_URL,
  RPC_PORT,
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
            '            # Clients come through the gateway, at a pod address: it tells theirs (rate limits).',
            '            - name: TRUST_PROXY',
            `              value: ${GATEWAY_ADDRESSES}`,
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

  const url = (database: string, password: string) =>
    `postgres://${database}:${password}@db.example.com:5432/${database}`;
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
        ({ name, database }, index) =>
          `#     --from-literal=${name}='${url(database, 'PASSWORD')}'${index < topology.modules.length - 1 ? ' \\' : ''}`,
      ),
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      `  name: ${topology.secret}`,
      `  namespace: ${application.name}`,
      'type: Opaque',
      'stringData:',
      ...topology.modules.map(({ name, database }) => `  ${name}: ${url(database, 'CHANGE-ME')}`),
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
