import { kubernetesFolder } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import {
  applications,
  documentsOf,
  entryCommand,
  filesUnder,
  IMAGE,
  isMallbotsImage,
  knownVariables,
  read,
  servicesOf,
  yamlOf,
} from './support.js';

interface Port {
  name?: string;
  containerPort?: number;
  port?: number;
  targetPort?: number | string;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: Port[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports?: Port[];
    template?: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Container[] };
    };
  };
}

// Each application is a namespace of its own, with its own kustomization: MallBots at the root (deploy/k8s),
// the others in deploy/<name>/k8s (ADR 0027).
describe.each(applications.map((application) => ({ application, name: application.name })))(
  'Kubernetes manifests of $name',
  ({ application }) => {
    const DIR = kubernetesFolder(application);
    const kustomization = yamlOf(`${DIR}/kustomization.yaml`) as {
      namespace: string;
      resources: string[];
      images: { name: string }[];
    };
    const manifests = kustomization.resources.flatMap((file) =>
      (documentsOf(`${DIR}/${file}`) as unknown as Manifest[]).map((manifest) => ({ file, manifest })),
    );
    const all = manifests.map(({ manifest }) => manifest);
    const ofKind = (kind: string) => all.filter((manifest) => manifest.kind === kind);
    const named = (kind: string, name: string) =>
      ofKind(kind).find((manifest) => manifest.metadata.name === name);
    const workloads = () => [...ofKind('Deployment'), ...ofKind('StatefulSet')];
    const containersOf = (manifest: Manifest) => manifest.spec!.template!.spec.containers;
    const isSubset = (subset: Record<string, string>, of: Record<string, string>) =>
      Object.entries(subset).every(([key, value]) => of[key] === value);
    const configMap = named('ConfigMap', `${application.name}-config`)!;
    const SECRET_EXAMPLE = `${DIR}/database-secret.example.yaml`;
    /** The Secret of the service credential and the first operator's: the user creates it, nothing applies it. */
    const IDENTITY_SECRET = `${application.name}-identity`;
    /** The Secret of each process's DATABASE_URL: the user creates it too. */
    const DATABASE_SECRET = `${application.name}-database`;
    const moduleNames = application.modules.map((module) => module.name);
    const variableOf = (container: Container, name: string) =>
      container.env?.find((variable) => variable.name === name);

    /** The workloads a Service sends its traffic to. */
    const selectedBy = (service: Manifest) =>
      workloads().filter((workload) =>
        isSubset(service.spec!.selector as Record<string, string>, workload.spec!.template!.metadata.labels),
      );

    /** A container port by number or by name, as probes and Services may give it. */
    const containerPortOf = (container: Container, port: number | string | undefined) =>
      container.ports?.find((candidate) =>
        typeof port === 'string' ? candidate.name === port : candidate.containerPort === port,
      )?.containerPort;

    it('lists every manifest in kustomization.yaml, and not the example Secret', () => {
      const manifestsOnDisk = filesUnder(DIR, ['.yaml', '.yml']).filter(
        (file) => file !== 'kustomization.yaml' && !file.endsWith('.example.yaml'),
      );
      expect([...kustomization.resources].sort()).toEqual(manifestsOnDisk);
      expect(kustomization.resources).not.toContain('database-secret.example.yaml');
      expect(kustomization.namespace).toBe(application.name);
      expect(named('Namespace', application.name)).toBeDefined();
      // Its own NATS, identity provider and gateway: nothing is shared with another application's namespace.
      for (const [kind, name] of [
        ['StatefulSet', 'nats'],
        ['Deployment', 'identity'],
        ['Deployment', 'gateway'],
      ] as const) {
        expect(named(kind, name), `${kind} ${name}`).toBeDefined();
      }
    });

    it('has a Deployment and a Service for every module, running the one image with MODULES set to it', () => {
      for (const module of moduleNames) {
        const deployment = named('Deployment', module);
        expect(deployment, `Deployment ${module}`).toBeDefined();
        expect(named('Service', module), `Service ${module}`).toBeDefined();
        const [container] = containersOf(deployment!);
        expect(isMallbotsImage(container!.image)).toBe(true);
        expect(container!.command, "the image's default command").toBeUndefined();
        expect(container!.env?.find((variable) => variable.name === 'MODULES')?.value).toBe(module);
      }
      expect(kustomization.images.map((image) => image.name)).toContain(IMAGE);
    });

    it("selects each Deployment's own pods, and each Service exactly one workload", () => {
      for (const workload of workloads()) {
        const { matchLabels } = workload.spec!.selector!;
        expect(Object.keys(matchLabels ?? {}).length, workload.metadata.name).toBeGreaterThan(0);
        expect(isSubset(matchLabels!, workload.spec!.template!.metadata.labels), workload.metadata.name).toBe(
          true,
        );
      }
      for (const service of ofKind('Service')) {
        const selected = selectedBy(service).map((workload) => workload.metadata.name);
        expect(selected, `Service ${service.metadata.name} selects`).toEqual([service.metadata.name]);
      }
    });

    it('serves HTTP on 8080 and RPC on 8085 in every module, and Services target ports the pods have', () => {
      for (const module of moduleNames) {
        const [container] = containersOf(named('Deployment', module)!);
        expect(containerPortOf(container!, 'http')).toBe(8080);
        expect(containerPortOf(container!, 'grpc')).toBe(8085);
        const ports = named('Service', module)!.spec!.ports!;
        expect(ports.map((port) => [port.name, port.port])).toEqual([
          ['http', 8080],
          ['grpc', 8085],
        ]);
      }
      for (const service of ofKind('Service')) {
        const [workload] = selectedBy(service);
        for (const port of service.spec!.ports!) {
          const target = port.targetPort ?? port.port;
          const found = containersOf(workload!).some((container) => containerPortOf(container, target));
          expect(found, `${service.metadata.name} targets ${target}`).toBe(true);
        }
      }
    });

    it('probes /liveness and /readiness on the HTTP port of every container of the image that serves HTTP', () => {
      const serving = [...moduleNames, 'gateway', 'identity'];
      for (const name of serving) {
        const [container] = containersOf(named('Deployment', name)!);
        const port = (probe: Probe | undefined) => containerPortOf(container!, probe?.httpGet?.port);
        expect(container!.livenessProbe?.httpGet?.path, name).toBe('/liveness');
        expect(container!.readinessProbe?.httpGet?.path, name).toBe('/readiness');
        expect(container!.startupProbe?.httpGet?.path, name).toBe('/liveness');
        expect([port(container!.livenessProbe), port(container!.readinessProbe)], name).toEqual([8080, 8080]);
      }
    });

    it('sets resource requests and limits on every container', () => {
      for (const workload of workloads()) {
        for (const container of containersOf(workload)) {
          const { requests, limits } = container.resources ?? {};
          expect(requests?.cpu && requests.memory, `${workload.metadata.name} requests`).toBeTruthy();
          expect(limits?.memory, `${workload.metadata.name} memory limit`).toBeTruthy();
        }
      }
    });

    it("takes each module's DATABASE_URL from the Secret, and applies no Secret itself", () => {
      expect(ofKind('Secret')).toEqual([]);
      for (const module of moduleNames) {
        const [container] = containersOf(named('Deployment', module)!);
        const databaseUrl = container!.env?.find((variable) => variable.name === 'DATABASE_URL');
        expect(databaseUrl?.value, module).toBeUndefined();
        expect(databaseUrl?.valueFrom?.secretKeyRef).toEqual({ name: DATABASE_SECRET, key: module });
      }
      const literals = [
        ...Object.values(configMap.data ?? {}),
        ...workloads().flatMap((workload) =>
          containersOf(workload).flatMap((container) =>
            (container.env ?? []).map((variable) => variable.value),
          ),
        ),
      ];
      expect(literals.filter((value) => value?.includes('postgres://'))).toEqual([]);
    });

    it('documents the Secret with placeholders only, one key per module and one for the identity provider', () => {
      const [example] = documentsOf(SECRET_EXAMPLE) as unknown as Manifest[];
      expect(example!.kind).toBe('Secret');
      expect(example!.metadata.name).toBe(DATABASE_SECRET);
      expect(Object.keys(example!.stringData ?? {}).sort()).toEqual([...moduleNames, 'identity'].sort());
      for (const value of Object.values(example!.stringData ?? {})) expect(value).toContain(':CHANGE-ME@');
    });

    it('sets only variables the applications read, from ConfigMaps that exist', () => {
      const known = knownVariables();
      const unknown: string[] = [];
      for (const workload of workloads()) {
        for (const container of containersOf(workload)) {
          if (!isMallbotsImage(container.image)) continue;
          for (const source of container.envFrom ?? []) {
            expect(source.secretRef, 'secrets go through secretKeyRef, one key at a time').toBeUndefined();
            const map = named('ConfigMap', source.configMapRef!.name);
            expect(map, `ConfigMap ${source.configMapRef!.name}`).toBeDefined();
            for (const key of Object.keys(map!.data ?? {})) {
              if (!known.has(key)) unknown.push(`${source.configMapRef!.name}: ${key}`);
            }
          }
          for (const variable of container.env ?? []) {
            if (!known.has(variable.name)) unknown.push(`${workload.metadata.name}: ${variable.name}`);
          }
        }
      }
      expect([...new Set(unknown)], 'variables missing from .env.example').toEqual([]);
    });

    it('points HTTP_SERVICES and RPC_SERVICES at the Service and port of each named module', () => {
      const http = servicesOf(configMap.data!.HTTP_SERVICES!);
      expect(http.map(([name]) => name).sort()).toEqual([...moduleNames, 'identity'].sort());
      // The gateway sends the identity provider's routes to its `identity` entry: the identity Deployment's pods.
      const identityUrl = http.find(([name]) => name === 'identity')![1];
      const [identityWorkload] = selectedBy(named('Service', identityUrl.hostname)!);
      expect(containersOf(identityWorkload!)[0]!.command).toEqual(entryCommand('identity'));
      const rpc = configMap.data!.RPC_SERVICES ? servicesOf(configMap.data!.RPC_SERVICES) : [];
      expect(rpc.map(([name]) => name)).toEqual(application.rpcProviders);
      for (const [services, portName] of [
        [http.filter(([name]) => name !== 'identity'), 'http'],
        [rpc, 'grpc'],
      ] as const) {
        for (const [module, url] of services) {
          expect(moduleNames).toContain(module);
          const service = named('Service', url.hostname);
          expect(service, `${url} names a Service`).toBeDefined();
          const port = service!.spec!.ports!.find((candidate) => candidate.port === Number(url.port));
          expect(port?.name, String(url)).toBe(portName);
          const [workload] = selectedBy(service!);
          const [container] = containersOf(workload!);
          expect(container!.env?.find((variable) => variable.name === 'MODULES')?.value).toBe(module);
        }
      }
      expect(new URL(configMap.data!.NATS_URL!).hostname).toBe(named('Service', 'nats')!.metadata.name);
    });

    it('runs one identity provider on its own database, against whose keys every module checks tokens', () => {
      const deployment = named('Deployment', 'identity')!;
      const [container] = containersOf(deployment);
      expect(isMallbotsImage(container!.image)).toBe(true);
      expect(container!.command).toEqual(entryCommand('identity'));
      expect(
        workloads().filter((workload) => containersOf(workload)[0]!.command?.includes('identity')),
      ).toEqual([deployment]);
      // Its own database, from the database Secret as a module's; not the shared ConfigMap, whose
      // AUTH_JWKS_URL would have it check tokens elsewhere.
      expect(variableOf(container!, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
        name: DATABASE_SECRET,
        key: 'identity',
      });
      expect(container!.envFrom).toBeUndefined();
      expect(variableOf(container!, 'AUTH_JWKS_URL')).toBeUndefined();
      expect(variableOf(container!, 'TRUST_PROXY')?.value).toBe('uniquelocal');
      // Tokens name the issuer of the ConfigMap, the one the modules check.
      expect(variableOf(container!, 'AUTH_ISSUER')?.valueFrom?.configMapKeyRef).toEqual({
        name: `${application.name}-config`,
        key: 'AUTH_ISSUER',
      });
      expect(new URL(configMap.data!.AUTH_ISSUER!).protocol).toMatch(/^https?:$/);
      // The modules (envFrom the ConfigMap) check tokens against its keys and open accounts there.
      const jwks = new URL(configMap.data!.AUTH_JWKS_URL!);
      expect(jwks.pathname).toBe('/.well-known/jwks.json');
      expect(configMap.data!.AUTH_IDENTITY_URL).toBe(jwks.origin);
      const service = named('Service', jwks.hostname)!;
      expect(selectedBy(service)).toEqual([deployment]);
      expect(service.spec!.ports!.find((port) => port.port === Number(jwks.port))?.name).toBe('http');
      for (const module of moduleNames) {
        const [moduleContainer] = containersOf(named('Deployment', module)!);
        expect(moduleContainer!.envFrom).toContainEqual({
          configMapRef: { name: `${application.name}-config` },
        });
      }
    });

    it("takes the service credential and the operator's from a Secret the user creates, never from a file", () => {
      for (const name of [...moduleNames, 'identity']) {
        const [container] = containersOf(named('Deployment', name)!);
        for (const key of ['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET']) {
          expect(variableOf(container!, key)?.valueFrom?.secretKeyRef, `${name}: ${key}`).toEqual({
            name: IDENTITY_SECRET,
            key,
          });
        }
      }
      // The first operator is the provider's alone, and optional: without it one is generated and logged once.
      const [identity] = containersOf(named('Deployment', 'identity')!);
      for (const key of ['OPERATOR_USERNAME', 'OPERATOR_PASSWORD']) {
        expect(variableOf(identity!, key)?.valueFrom?.secretKeyRef).toEqual({
          name: IDENTITY_SECRET,
          key,
          optional: true,
        });
      }
      const secretNames = ['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET', 'OPERATOR_USERNAME', 'OPERATOR_PASSWORD'];
      const literals = workloads().flatMap((workload) =>
        containersOf(workload).flatMap((container) =>
          (container.env ?? []).filter((variable) => secretNames.includes(variable.name) && variable.value),
        ),
      );
      expect(literals).toEqual([]);
      expect(Object.keys(configMap.data ?? {}).filter((key) => secretNames.includes(key))).toEqual([]);
      expect(ofKind('Secret').map((secret) => secret.metadata.name)).not.toContain(IDENTITY_SECRET);
      // How to make it, in one line, where the user looks: the manifest and README.md.
      const create = `kubectl -n ${application.name} create secret generic ${IDENTITY_SECRET} --from-literal=AUTH_CLIENT_ID=services --from-literal=AUTH_CLIENT_SECRET=`;
      expect(read(`${DIR}/identity.yaml`)).toContain(`#   ${create}`);
      expect(read('README.md')).toContain(create);
    });

    it('runs the gateway and each companion (MallBots: the robots) from the same image, a companion against its module', () => {
      const [gateway] = containersOf(named('Deployment', 'gateway')!);
      expect(isMallbotsImage(gateway!.image)).toBe(true);
      expect(gateway!.command).toEqual(entryCommand('gateway'));
      if (application.name === mallbots.name) {
        expect(application.companions.map((companion) => companion.name)).toContain('robots');
      }
      for (const companion of application.companions) {
        const [container] = containersOf(named('Deployment', companion.name)!);
        expect(isMallbotsImage(container!.image)).toBe(true);
        expect(container!.command).toEqual(entryCommand('companion', companion.name));
        const value = (name: string) => container!.env!.find((variable) => variable.name === name)?.value;
        expect(value('APPS')).toBe(application.name);
        for (const [variable, portName] of [
          ['COMPANION_RPC_URL', 'grpc'],
          ['COMPANION_HTTP_URL', 'http'],
        ] as const) {
          const url = new URL(value(variable)!);
          const service = named('Service', url.hostname);
          expect(service?.metadata.name, variable).toBe(companion.beside);
          expect(service!.spec!.ports!.find((port) => port.port === Number(url.port))?.name).toBe(portName);
        }
      }
      if (application.companions.length > 0) {
        expect(configMap.data!.COMPANIONS, 'no companions inside module processes').toBe('off');
      }
      expect(configMap.data!.APPS).toBe(application.name);
    });
  },
);
