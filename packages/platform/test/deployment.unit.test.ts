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
  type Module,
  renderGenerated,
  writeDeploymentFiles,
} from '@tessera/platform/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/** A made-up application: nothing here is MallBots', so every name below comes from this definition. */
const module = (name: string): Module => ({
  name,
  description: name,
  migrations: [],
  start: async () => ({}),
});
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
const composeOf = (application: Application) =>
  (
    parse(`services:\n${section(fileOf(deploymentFiles([application], settings), 'compose.yaml'))}\n`) as {
      services: Record<string, ComposeService>;
    }
  ).services;

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
            valueFrom?: { secretKeyRef: { name: string; key: string } };
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
    expect(Object.keys(services)).toEqual(['catalog', 'orders', 'gateway', 'clock']);
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
        COMPANIONS: 'off',
        // Its clients come through the gateway, at an address on the compose network.
        TRUST_PROXY: 'uniquelocal',
        LOG_FORMAT: 'json',
      });
      expect(service.expose).toEqual(['8080', '8085']);
      expect(Object.keys(service.depends_on)).toEqual(['postgres', 'nats']);
    }
  });

  it("routes the gateway to every module and runs each companion beside its module, with the image's entry", () => {
    const { gateway, clock: companion } = composeOf(shop);
    expect(gateway!.command).toEqual(['node', 'out/main.js', 'gateway']);
    expect(gateway!.environment).toEqual({
      APPS: 'tiny-shop',
      HTTP_SERVICES: 'catalog=http://catalog:8080,orders=http://orders:8080',
      LOG_FORMAT: 'json',
    });
    expect(gateway!.ports).toEqual(['8080:8080']);
    expect(Object.keys(gateway!.depends_on)).toEqual(['catalog', 'orders']);
    expect(companion!.command).toEqual(['node', 'out/main.js', 'companion', 'clock']);
    expect(companion!.environment).toMatchObject({
      APPS: 'tiny-shop',
      COMPANION_HTTP_URL: 'http://orders:8080',
      COMPANION_RPC_URL: 'http://orders:8085',
    });
    expect(companion!.healthcheck?.disable).toBe(true);
    expect(Object.keys(companion!.depends_on)).toEqual(['orders']);
  });

  it('leaves RPC_SERVICES and COMPANIONS out when the application has no RPC provider and no companion', () => {
    const plain = defineApplication({ ...definition, name: 'plain', rpcProviders: [], companions: [] });
    const services = composeOf(plain);
    expect(Object.keys(services)).toEqual(['catalog', 'orders', 'gateway']);
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
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'tiny-shop-database', key: name } } },
        // Its clients come through the gateway, at a pod address.
        { name: 'TRUST_PROXY', value: 'uniquelocal' },
      ]);
    }
    const [gateway] = manifestsOf(files, `${k8s}/gateway.yaml`);
    expect(gateway!.spec.template.spec.containers[0]!.command).toEqual(['node', 'out/main.js', 'gateway']);
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
      HTTP_SERVICES: 'catalog=http://catalog:8080,orders=http://orders:8080',
      LOG_FORMAT: 'json',
      COMPANIONS: 'off',
    });
    const [secret] = manifestsOf(files, `${k8s}/database-secret.example.yaml`);
    expect(secret!.metadata).toEqual({ name: 'tiny-shop-database', namespace: 'tiny-shop' });
    expect(Object.keys(secret!.stringData!)).toEqual(['catalog', 'orders']);
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
  });

  it('lists the applications, their modules and companions in .env.example', () => {
    const bank = defineApplication({
      ...definition,
      name: 'bank',
      modules: [module('loans')],
      rpcProviders: [],
      companions: [],
    });
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
    const sections = [
      'compose.yaml',
      'deploy/prometheus/prometheus.yaml',
      'deploy/tiny-shop/k8s/kustomization.yaml',
    ];
    const root = repository({
      ...Object.fromEntries(sections.map((path) => [path, `# by hand\n${BEGIN}\n${END}\n# by hand too\n`])),
      '.env.example':
        'PORT=8080\n# BEGIN generated from apps/*/src/app.ts — npm run generate:deploy\n# END generated from apps/*/src/app.ts\n',
      'deploy/tiny-shop/k8s/nats.yaml': '# written by hand\n',
    });
    const first = writeDeploymentFiles(root, [shop], settings);
    expect(first.written).toContain('deploy/tiny-shop/k8s/modules/orders.yaml');
    expect(first.removed).toEqual([]);
    const compose = readFileSync(join(root, 'compose.yaml'), 'utf8');
    expect(compose.startsWith(`# by hand\n${BEGIN}\n`)).toBe(true);
    expect(compose.endsWith(`${END}\n# by hand too\n`)).toBe(true);
    expect(writeDeploymentFiles(root, [shop], settings)).toEqual({ written: [], removed: [] });

    const smaller = defineApplication({
      ...definition,
      modules: [module('catalog')],
      rpcProviders: [],
      companions: [],
    });
    const second = writeDeploymentFiles(root, [smaller], settings);
    expect(second.removed).toEqual([
      'deploy/tiny-shop/k8s/clock.yaml',
      'deploy/tiny-shop/k8s/modules/orders.yaml',
    ]);
    expect(readFileSync(join(root, 'deploy/tiny-shop/k8s/nats.yaml'), 'utf8')).toBe('# written by hand\n');
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
