import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type Application,
  type Companion,
  defineApplication,
  deploymentFiles,
  deploymentSettings,
  type GeneratedFile,
  imageEntry,
  kubernetesFolder,
  renderGenerated,
  writeDeploymentFiles,
} from '@tessera/platform/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { emptyModule } from './support/modules.js';

/** A made-up application: nothing here is MallBots', so every name below comes from this definition. */
const module = emptyModule;
const clock: Companion = { name: 'clock', beside: 'orders', start: async () => undefined };
const definition = {
  name: 'tiny-shop',
  title: 'Tiny Shop',
  description: 'Two modules and a clock.',
  version: '1.0.0',
  modules: [module('catalog'), module('orders')],
  rpcProviders: ['catalog'],
  companions: [clock],
};
const shop = defineApplication(definition);
/** Another application like tiny-shop, of other modules, with neither RPC provider nor companion. */
const plainApplication = (name: string, moduleNames: readonly string[] = ['catalog', 'orders']) =>
  defineApplication({
    ...definition,
    name,
    modules: moduleNames.map(module),
    rpcProviders: [],
    companions: [],
  });
const bank = plainApplication('bank', ['loans']);
const settings = { image: 'shop-image', entry: ['node', 'out/main.js'] };

const fileOf = (files: readonly GeneratedFile[], path: string, source?: string) => {
  const found = files.find(
    (file) => file.path === path && (!source || !('source' in file) || file.source === source),
  );
  if (!found) throw new Error(`no generated ${path} among ${files.map((file) => file.path).join(', ')}`);
  return found;
};
const whole = (file: GeneratedFile) => {
  if (!('whole' in file)) throw new Error(`${file.path} is a section`);
  return file.whole;
};
const section = (file: GeneratedFile) => {
  if (!('section' in file)) throw new Error(`${file.path} is whole`);
  return file.section;
};

interface ComposeService {
  image: string;
  profiles: string[];
  command?: string[];
  environment: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean };
}
/**
 * The services of every compose section the applications give (theirs, and the gateway's and identity
 * provider's they share), each section parsed on its own; a name two sections gave would be the last one's.
 */
const composeOf = (...applications: Application[]): Record<string, ComposeService> =>
  Object.assign(
    {},
    ...deploymentFiles(applications, settings)
      .filter((file) => file.path === 'compose.yaml')
      .map(
        (file) =>
          (parse(`services:\n${section(file)}\n`) as { services: Record<string, ComposeService> }).services,
      ),
  );

/** A value compose takes from the environment or .env: `${NAME:-fallback}`. */
const fromEnvironment = (name: string, fallback = '') => `\${${name}:-${fallback}}`;
/** Where every process sends its traces: the observability profile's collector unless the environment says. */
const tracesAs = (service: string) => ({
  OTEL_SERVICE_NAME: service,
  OTEL_EXPORTER_OTLP_ENDPOINT: `\${OTEL_EXPORTER_OTLP_ENDPOINT-http://collector:4318}`,
});
/** What every module process is given to check tokens against the one identity provider, in compose. */
const COMPOSE_AUTH = {
  AUTH_ISSUER: fromEnvironment('AUTH_ISSUER', 'http://localhost:8080'),
  AUTH_JWKS_URL: 'http://identity:8080/.well-known/jwks.json',
  AUTH_IDENTITY_URL: 'http://identity:8080',
  // From the environment or .env, never written in the file.
  AUTH_CLIENT_ID: fromEnvironment('AUTH_CLIENT_ID'),
  AUTH_CLIENT_SECRET: fromEnvironment('AUTH_CLIENT_SECRET'),
};

interface Manifest {
  kind: string;
  metadata: { name: string; labels: Record<string, string>; namespace?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec: {
    template: {
      spec: {
        containers: {
          image: string;
          command?: string[];
          env?: {
            name: string;
            value?: string;
            valueFrom?: {
              secretKeyRef?: { name: string; key: string; optional?: boolean };
              configMapKeyRef?: { name: string; key: string };
            };
          }[];
          envFrom?: { configMapRef: { name: string } }[];
        }[];
      };
    };
  };
}
const manifestsOf = (files: readonly GeneratedFile[], path: string) =>
  parseAllDocuments(whole(fileOf(files, path))).map((document) => document.toJS() as Manifest);

describe('the deployment files derived from an application', () => {
  const files = deploymentFiles([shop], settings);

  it('runs a process per module on its own database, with the RPC providers in RPC_SERVICES', () => {
    const services = composeOf(shop);
    expect(Object.keys(services)).toEqual(['catalog', 'orders', 'clock', 'gateway', 'identity']);
    for (const name of ['catalog', 'orders']) {
      const service = services[name]!;
      expect(service.image).toBe('shop-image:latest');
      expect(service.profiles).toEqual(['distributed']);
      expect(service.command, 'the image default: start').toBeUndefined();
      expect(service.environment).toEqual({
        APPS: 'tiny-shop',
        MODULES: name,
        DATABASE_URL: `postgres://tiny_shop_${name}:tiny_shop_${name}@postgres:5432/tiny_shop_${name}`,
        NATS_URL: 'nats://nats:4222',
        NATS_STREAM: 'tiny-shop',
        RPC_SERVICES: 'catalog=http://catalog:8085',
        HTTP_SERVICES: 'catalog=http://catalog:8080,orders=http://orders:8080,identity=http://identity:8080',
        COMPANIONS: 'off',
        // Its clients come through the gateway, at an address on the compose network.
        TRUST_PROXY: 'uniquelocal',
        ...COMPOSE_AUTH,
        // The service the launcher names it: one name for one process, however started.
        ...tracesAs(`tiny-shop.${name}`),
        TRACES_URL: `\${TRACES_URL-http://localhost:8081/trace/{traceId}}`,
        LOG_FORMAT: 'json',
      });
      expect(service.expose).toEqual(['8080', '8085']);
      // The identity provider first, as the launcher starts it.
      expect(Object.keys(service.depends_on)).toEqual(['postgres', 'nats', 'identity']);
    }
  });

  it("routes the gateway to every module and runs each companion beside its module, with the image's entry", () => {
    const { gateway, clock: companion } = composeOf(shop);
    expect(gateway!.command).toEqual(['node', 'out/main.js', 'gateway']);
    expect(gateway!.environment).toEqual({
      APPS: 'tiny-shop',
      HTTP_SERVICES: 'catalog=http://catalog:8080,orders=http://orders:8080,identity=http://identity:8080',
      ...tracesAs('gateway'),
      LOG_FORMAT: 'json',
    });
    expect(gateway!.ports).toEqual(['8080:8080']);
    expect(Object.keys(gateway!.depends_on)).toEqual(['catalog', 'orders', 'identity']);
    expect(companion!.command).toEqual(['node', 'out/main.js', 'companion', 'clock']);
    expect(companion!.environment).toMatchObject({
      APPS: 'tiny-shop',
      COMPANION_HTTP_URL: 'http://orders:8080',
      COMPANION_RPC_URL: 'http://orders:8085',
      ...tracesAs('tiny-shop.orders.companion'),
    });
    expect(companion!.healthcheck?.disable).toBe(true);
    expect(Object.keys(companion!.depends_on)).toEqual(['orders']);
  });

  it('runs the identity provider with its own database, the issuer and the credentials from the environment', () => {
    const { identity } = composeOf(shop);
    expect(identity!.image).toBe('shop-image:latest');
    expect(identity!.profiles).toEqual(['distributed']);
    expect(identity!.command).toEqual(['node', 'out/main.js', 'identity']);
    expect(identity!.environment).toEqual({
      DATABASE_URL: 'postgres://tiny_shop_identity:tiny_shop_identity@postgres:5432/tiny_shop_identity',
      AUTH_ISSUER: COMPOSE_AUTH.AUTH_ISSUER,
      AUTH_CLIENT_ID: COMPOSE_AUTH.AUTH_CLIENT_ID,
      AUTH_CLIENT_SECRET: COMPOSE_AUTH.AUTH_CLIENT_SECRET,
      OPERATOR_USERNAME: fromEnvironment('OPERATOR_USERNAME'),
      OPERATOR_PASSWORD: fromEnvironment('OPERATOR_PASSWORD'),
      TRUST_PROXY: 'uniquelocal',
      ...tracesAs('identity'),
      LOG_FORMAT: 'json',
    });
    expect(identity!.expose).toEqual(['8080']);
    // It sends no messages: no NATS, the embedded broker in its own database.
    expect(Object.keys(identity!.depends_on)).toEqual(['postgres']);
    // Compose interpolates every service whatever the profile: a `:?` would stop the monolith's too.
    const compose = deploymentFiles([shop], settings).filter((file) => file.path === 'compose.yaml');
    expect(compose.map(section).join('\n')).not.toContain(':?');
  });

  it('runs several applications as one system: one gateway for all, each under its prefix, and one identity provider', () => {
    const files = deploymentFiles([shop, bank], settings);
    const sections = files.filter((file) => file.path === 'compose.yaml').map(section);
    for (const name of ['gateway', 'identity']) {
      expect(
        sections.filter((text) => new RegExp(`^ {2}${name}:$`, 'm').test(text)),
        name,
      ).toHaveLength(1);
    }
    const services = composeOf(shop, bank);
    expect(Object.keys(services)).toEqual(['catalog', 'orders', 'clock', 'loans', 'gateway', 'identity']);
    // One entrance on the host's port: the gateway serves each application under its prefix (APPS).
    expect(services.gateway!.environment).toEqual({
      APPS: 'tiny-shop,bank',
      HTTP_SERVICES:
        'catalog=http://catalog:8080,orders=http://orders:8080,loans=http://loans:8080,identity=http://identity:8080',
      ...tracesAs('gateway'),
      LOG_FORMAT: 'json',
    });
    expect(Object.keys(services.gateway!.depends_on)).toEqual(['catalog', 'orders', 'loans', 'identity']);
    expect(Object.values(services).filter((service) => service.ports?.includes('8080:8080'))).toEqual([
      services.gateway,
    ]);
    expect(services.identity!.environment.DATABASE_URL).toBe(
      'postgres://tessera_identity:tessera_identity@postgres:5432/tessera_identity',
    );
    // Each module stays in its own application: its APPS, its stream, its application's RPC providers only.
    expect(services.loans!.environment).toMatchObject({
      ...COMPOSE_AUTH,
      APPS: 'bank',
      NATS_STREAM: 'bank',
      DATABASE_URL: 'postgres://bank_loans:bank_loans@postgres:5432/bank_loans',
    });
    expect(services.loans!.environment).not.toHaveProperty('RPC_SERVICES');
    expect(services.catalog!.environment).toMatchObject({ ...COMPOSE_AUTH, APPS: 'tiny-shop' });
    // An init script per application, and the provider's once; Prometheus scrapes every module and it once.
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining(['deploy/postgres/init/01-tiny-shop.sql', 'deploy/postgres/init/01-bank.sql']),
    );
    const sql = whole(fileOf(files, 'deploy/postgres/init/00-identity.sql'));
    expect(sql.match(/CREATE DATABASE \S+/g)).toEqual(['CREATE DATABASE tessera_identity']);
    const jobs = files
      .filter((file) => file.path === 'deploy/prometheus/prometheus.yaml')
      .map(section)
      .join('\n');
    expect(jobs.match(/job_name: \S+$/gm)).toEqual(
      ['catalog', 'orders', 'loans', 'identity'].map((name) => `job_name: ${name}`),
    );
    // In Kubernetes each application is a namespace of its own, with its own NATS, provider and gateway.
    for (const name of ['tiny-shop', 'bank']) {
      for (const manifest of ['namespace.yaml', 'nats.yaml', 'identity.yaml', 'gateway.yaml']) {
        expect(files.map((file) => file.path)).toContain(`deploy/${name}/k8s/${manifest}`);
      }
      const [namespace] = manifestsOf(files, `deploy/${name}/k8s/namespace.yaml`);
      expect([namespace!.kind, namespace!.metadata.name]).toEqual(['Namespace', name]);
    }
    const [bankConfig] = manifestsOf(files, 'deploy/bank/k8s/config.yaml');
    expect(bankConfig!.data).toMatchObject({
      APPS: 'bank',
      HTTP_SERVICES: 'loans=http://loans:8080,identity=http://identity:8080',
    });
  });

  it('refuses, in the definition, a module or companion named as a process of the topology', () => {
    const named = (name: string) => () => plainApplication('clash', ['orders', name]);
    expect(named('identity')).toThrow(/"clash": identity is the name of a process every topology runs/);
    expect(named('gateway')).toThrow(/gateway is the name of a process/);
    expect(() => defineApplication({ ...definition, companions: [{ ...clock, name: 'nats' }] })).toThrow(
      /nats is the name of a process/,
    );
  });

  it('leaves RPC_SERVICES and COMPANIONS out when the application has no RPC provider and no companion', () => {
    const plain = plainApplication('plain');
    const services = composeOf(plain);
    expect(Object.keys(services)).toEqual(['catalog', 'orders', 'gateway', 'identity']);
    expect(Object.keys(services.catalog!.environment)).not.toContain('RPC_SERVICES');
    expect(Object.keys(services.catalog!.environment)).not.toContain('COMPANIONS');
    const config = manifestsOf(deploymentFiles([plain], settings), 'deploy/plain/k8s/config.yaml')[0]!;
    expect(Object.keys(config.data!)).not.toContain('RPC_SERVICES');
  });

  it('gives Kubernetes a Deployment and Service per module, the gateway, each companion, and lists them', () => {
    // Not at the root: its manifests go in a folder of their own.
    const k8s = kubernetesFolder(shop);
    expect(k8s).toBe('deploy/tiny-shop/k8s');
    expect(section(fileOf(files, `${k8s}/kustomization.yaml`)).split('\n')).toEqual([
      '  - config.yaml',
      '  - identity.yaml',
      '  - modules/catalog.yaml',
      '  - modules/orders.yaml',
      '  - gateway.yaml',
      '  - clock.yaml',
    ]);
    for (const name of ['catalog', 'orders']) {
      const [deployment, service] = manifestsOf(files, `${k8s}/modules/${name}.yaml`);
      expect([deployment!.kind, service!.kind]).toEqual(['Deployment', 'Service']);
      expect(deployment!.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'tiny-shop',
        'app.kubernetes.io/component': name,
      });
      const [container] = deployment!.spec.template.spec.containers;
      expect(container!.image).toBe('shop-image');
      expect(container!.command).toBeUndefined();
      expect(container!.envFrom).toEqual([{ configMapRef: { name: 'tiny-shop-config' } }]);
      expect(container!.env).toEqual([
        { name: 'MODULES', value: name },
        // Its name in a trace, as the launcher and the compose file give it (ADR 0045).
        { name: 'OTEL_SERVICE_NAME', value: `tiny-shop.${name}` },
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'tiny-shop-database', key: name } } },
        // Its clients come through the gateway, at a pod address.
        { name: 'TRUST_PROXY', value: 'uniquelocal' },
        // The service credential, from the Secret the user creates.
        ...['AUTH_CLIENT_ID', 'AUTH_CLIENT_SECRET'].map((key) => ({
          name: key,
          valueFrom: { secretKeyRef: { name: 'tiny-shop-identity', key } },
        })),
      ]);
    }
    const [gateway] = manifestsOf(files, `${k8s}/gateway.yaml`);
    expect(gateway!.spec.template.spec.containers[0]!.command).toEqual(['node', 'out/main.js', 'gateway']);
    expect(gateway!.spec.template.spec.containers[0]!.env).toEqual([
      { name: 'OTEL_SERVICE_NAME', value: 'gateway' },
    ]);
    const [companion] = manifestsOf(files, `${k8s}/clock.yaml`);
    const [container] = companion!.spec.template.spec.containers;
    expect(container!.command).toEqual(['node', 'out/main.js', 'companion', 'clock']);
    expect(container!.env).toContainEqual({ name: 'COMPANION_RPC_URL', value: 'http://orders:8085' });

    const [config] = manifestsOf(files, `${k8s}/config.yaml`);
    expect(config!.metadata.name).toBe('tiny-shop-config');
    expect(config!.data).toEqual({
      APPS: 'tiny-shop',
      NATS_URL: 'nats://nats:4222',
      NATS_STREAM: 'tiny-shop',
      RPC_SERVICES: 'catalog=http://catalog:8085',
      HTTP_SERVICES: 'catalog=http://catalog:8080,orders=http://orders:8080,identity=http://identity:8080',
      // The port-forward's URL until the user patches in the public one.
      AUTH_ISSUER: 'http://localhost:8080',
      AUTH_JWKS_URL: 'http://identity:8080/.well-known/jwks.json',
      AUTH_IDENTITY_URL: 'http://identity:8080',
      LOG_FORMAT: 'json',
      COMPANIONS: 'off',
    });
    const [secret] = manifestsOf(files, `${k8s}/database-secret.example.yaml`);
    expect(secret!.metadata).toEqual({ name: 'tiny-shop-database', namespace: 'tiny-shop' });
    expect(Object.keys(secret!.stringData!)).toEqual(['catalog', 'orders', 'identity']);
    expect(secret!.stringData!.identity).toContain('/tiny_shop_identity');
  });

  it("runs the namespace's identity provider on its own database, with the Secret's credentials", () => {
    const k8s = kubernetesFolder(shop);
    const text = whole(fileOf(files, `${k8s}/identity.yaml`));
    const [deployment, service] = manifestsOf(files, `${k8s}/identity.yaml`);
    expect([deployment!.kind, deployment!.metadata.name, service!.kind, service!.metadata.name]).toEqual([
      'Deployment',
      'identity',
      'Service',
      'identity',
    ]);
    const [container] = deployment!.spec.template.spec.containers;
    expect(container!.command).toEqual(['node', 'out/main.js', 'identity']);
    // Not the shared ConfigMap: its AUTH_JWKS_URL would make this process check tokens elsewhere.
    expect(container!.envFrom).toBeUndefined();
    const secretKey = (key: string, optional = false) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: 'tiny-shop-identity', key, ...(optional && { optional }) } },
    });
    expect(container!.env).toEqual([
      { name: 'OTEL_SERVICE_NAME', value: 'identity' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'tiny-shop-database', key: 'identity' } } },
      {
        name: 'AUTH_ISSUER',
        valueFrom: { configMapKeyRef: { name: 'tiny-shop-config', key: 'AUTH_ISSUER' } },
      },
      secretKey('AUTH_CLIENT_ID'),
      secretKey('AUTH_CLIENT_SECRET'),
      secretKey('OPERATOR_USERNAME', true),
      secretKey('OPERATOR_PASSWORD', true),
      { name: 'TRUST_PROXY', value: 'uniquelocal' },
      { name: 'LOG_FORMAT', value: 'json' },
    ]);
    // The Secret is the user's to create: the file says how, in one line.
    expect(text).toContain(
      '#   kubectl -n tiny-shop create secret generic tiny-shop-identity --from-literal=AUTH_CLIENT_ID=services ' +
        '--from-literal=AUTH_CLIENT_SECRET="$(openssl rand -hex 32)"\n',
    );
  });

  it("creates the monolith's and each module's database and role, and scrapes each module's process", () => {
    const sql = whole(fileOf(files, 'deploy/postgres/init/01-tiny-shop.sql'));
    const statements = sql
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('--'))
      .join('\n');
    expect(statements).toBe(
      ['tiny_shop', 'tiny_shop_catalog', 'tiny_shop_orders']
        .flatMap((name) => [
          `CREATE ROLE ${name} LOGIN PASSWORD '${name}';`,
          `CREATE DATABASE ${name} OWNER ${name};`,
        ])
        .join('\n'),
    );
    const jobs = parse(section(fileOf(files, 'deploy/prometheus/prometheus.yaml'))) as {
      job_name: string;
      static_configs: { targets: string[] }[];
    }[];
    expect(jobs.map((job) => [job.job_name, job.static_configs[0]!.targets])).toEqual([
      ['catalog', ['catalog:8080']],
      ['orders', ['orders:8080']],
    ]);
    // The identity provider's, in a section and a file of their own: one for all the applications.
    const identitySql = whole(fileOf(files, 'deploy/postgres/init/00-identity.sql'));
    expect(identitySql.split('\n').filter((line) => line !== '' && !line.startsWith('--'))).toEqual([
      "CREATE ROLE tiny_shop_identity LOGIN PASSWORD 'tiny_shop_identity';",
      'CREATE DATABASE tiny_shop_identity OWNER tiny_shop_identity;',
    ]);
    const identityJob = parse(
      section(fileOf(files, 'deploy/prometheus/prometheus.yaml', 'apps/*/src/app.ts')),
    ) as { job_name: string; static_configs: { targets: string[] }[] }[];
    expect(identityJob.map((job) => [job.job_name, job.static_configs[0]!.targets])).toEqual([
      ['identity', ['identity:8080']],
    ]);
  });

  it('lists the applications, their modules and companions in .env.example', () => {
    const lines = section(fileOf(deploymentFiles([shop, bank], settings), '.env.example'));
    expect(lines).toContain('(tiny-shop, bank)');
    expect(lines).toContain('(tiny-shop: catalog, orders; bank: loans)');
    expect(lines).toContain("tiny-shop's clock beside orders");
    expect(lines.split('\n').filter((line) => !line.startsWith('#'))).toEqual([
      'APPS=',
      'MODULES=',
      'COMPANIONS=on',
    ]);
  });
});

describe('generated sections and files', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  const repository = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'tessera-deployment-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
  const BEGIN = '# BEGIN generated from apps/tiny-shop/src/app.ts — npm run generate:deploy';
  const END = '# END generated from apps/tiny-shop/src/app.ts';
  const BEGIN_ALL = '# BEGIN generated from apps/*/src/app.ts — npm run generate:deploy';
  const END_ALL = '# END generated from apps/*/src/app.ts';

  it('replaces only what is between the markers, which keep their place and indentation', () => {
    const file = { path: 'x.yaml', source: 'apps/tiny-shop/src/app.ts', section: '  - new' };
    const before = `top: 1\nlist:\n  - kept\n  ${BEGIN}\n  - old\n  - older\n  ${END}\nbottom: 2\n`;
    expect(renderGenerated(file, before)).toBe(
      `top: 1\nlist:\n  - kept\n  ${BEGIN}\n  - new\n  ${END}\nbottom: 2\n`,
    );
    expect(() => renderGenerated(file, 'top: 1\n')).toThrow(
      /x\.yaml has no generated section .*\n.*BEGIN generated/,
    );
  });

  it('writes every file, removes those of a module that is gone, and changes nothing the second time', () => {
    // compose.yaml and prometheus.yaml have the identity provider's section besides the application's.
    const shared = ['compose.yaml', 'deploy/prometheus/prometheus.yaml'];
    const sections = [...shared, 'deploy/tiny-shop/k8s/kustomization.yaml'];
    const root = repository({
      ...Object.fromEntries(
        sections.map((path) => [
          path,
          `# by hand\n${BEGIN}\n${END}\n${shared.includes(path) ? `${BEGIN_ALL}\n${END_ALL}\n` : ''}# by hand too\n`,
        ]),
      ),
      '.env.example': `PORT=8080\n${BEGIN_ALL}\n${END_ALL}\n`,
      'deploy/tiny-shop/k8s/ingress.yaml': '# written by hand\n',
    });
    const first = writeDeploymentFiles(root, [shop], settings);
    expect(first.written).toContain('deploy/tiny-shop/k8s/modules/orders.yaml');
    expect(first.removed).toEqual([]);
    expect(first.written).toContain('deploy/postgres/init/00-identity.sql');
    const compose = readFileSync(join(root, 'compose.yaml'), 'utf8');
    expect(compose.startsWith(`# by hand\n${BEGIN}\n`)).toBe(true);
    expect(compose).toContain(`${END}\n${BEGIN_ALL}\n`);
    expect(compose).toMatch(/^ {2}identity:$/m);
    expect(compose.endsWith(`${END_ALL}\n# by hand too\n`)).toBe(true);
    expect(writeDeploymentFiles(root, [shop], settings)).toEqual({ written: [], removed: [] });

    const smaller = plainApplication(definition.name, ['catalog']);
    const second = writeDeploymentFiles(root, [smaller], settings);
    expect(second.removed).toEqual([
      'deploy/tiny-shop/k8s/clock.yaml',
      'deploy/tiny-shop/k8s/modules/orders.yaml',
    ]);
    expect(readFileSync(join(root, 'deploy/tiny-shop/k8s/ingress.yaml'), 'utf8')).toBe('# written by hand\n');
  });

  it("takes the image's entry from the Dockerfile's CMD, and its name from package.json", () => {
    const dockerfile = (cmd: string) => `FROM node AS build\nCMD ["other"]\nFROM node\nUSER node\n${cmd}\n`;
    expect(imageEntry(dockerfile('CMD ["node", "dist/main.js", "start"]'))).toEqual(['node', 'dist/main.js']);
    expect(imageEntry(dockerfile('CMD ["node", "dist/main.js"]'))).toEqual(['node', 'dist/main.js']);
    expect(() => imageEntry(dockerfile('CMD node dist/main.js'))).toThrow(/exec form/);
    expect(() => imageEntry(dockerfile('ENTRYPOINT ["node"]\nCMD ["dist/main.js"]'))).toThrow(/ENTRYPOINT/);
    const root = repository({
      'package.json': JSON.stringify({ config: { image: 'shop-image' } }),
      Dockerfile: dockerfile('CMD ["node", "out/main.js", "start"]'),
    });
    expect(deploymentSettings(root)).toEqual(settings);
    const unnamed = repository({ 'package.json': '{}', Dockerfile: dockerfile('CMD ["x"]') });
    expect(() => deploymentSettings(unnamed)).toThrow(/config\.image/);
  });
});
