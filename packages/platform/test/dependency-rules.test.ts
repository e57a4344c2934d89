import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The repository's dependency rules (`.dependency-cruiser.cjs`, what `npm run deps` and so `npm run check`
 * run), applied to a small tree of its own in a temporary folder laid out as the repository is: a platform
 * package with exports, resolved through a workspace link, and applications with bounded contexts. Each bad
 * file breaks one rule; the clean ones break none.
 */
const repository = join(import.meta.dirname, '../../..');

const files: Record<string, string> = {
  'package.json': JSON.stringify({ private: true, type: 'module', workspaces: ['packages/*', 'apps/*'] }),
  // A stand-in for zod: only its resolution matters.
  'node_modules/zod/package.json': JSON.stringify({ name: 'zod', type: 'module', exports: './index.js' }),
  'node_modules/zod/index.js': 'export const z = {};\n',

  // As in the repository: each part is its source under the `@tessera/source` condition, else dist/ (not built).
  'packages/platform/package.json': JSON.stringify({
    name: '@tessera/platform',
    type: 'module',
    exports: Object.fromEntries(
      ['ddd', 'messaging', 'sql'].map((part) => [
        `./${part}`,
        {
          '@tessera/source': `./src/${part}/index.ts`,
          types: `./dist/${part}/index.d.ts`,
          import: `./dist/${part}/index.js`,
        },
      ]),
    ),
  }),
  'packages/platform/src/ddd/index.ts':
    "export { DomainError } from './errors.js';\nexport { z } from 'zod';\n",
  'packages/platform/src/ddd/errors.ts': 'export class DomainError extends Error {}\n',
  'packages/platform/src/ddd/clock.ts':
    "import { readFileSync } from 'node:fs';\nexport const now = readFileSync;\n",
  'packages/platform/src/ddd/publishing.ts':
    "import { publish } from '../messaging/index.js';\nexport const publishing = publish;\n",
  'packages/platform/src/messaging/index.ts': 'export const publish = () => {};\n',
  'packages/platform/src/sql/index.ts': 'export const query = () => {};\n',

  'apps/shop/package.json': JSON.stringify({
    name: 'shop',
    private: true,
    type: 'module',
    dependencies: { '@tessera/platform': '*', zod: '*' },
  }),
  // Clean: the building blocks, zod, and its own domain folder (a subfolder too).
  'apps/shop/src/orders/domain/order.ts': [
    "import { DomainError } from '@tessera/platform/ddd';",
    "import { z } from 'zod';",
    "import { line } from './line.js';",
    "import type { Money } from './values/money.js';",
    'export const order = (total: Money) => [DomainError, z, line, total];',
    '',
  ].join('\n'),
  'apps/shop/src/orders/domain/line.ts': 'export const line = 1;\n',
  'apps/shop/src/orders/domain/values/money.ts': 'export type Money = number;\n',
  // Dirty: a node built-in, with and without its scheme.
  'apps/shop/src/orders/domain/reads-files.ts':
    "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'apps/shop/src/orders/domain/reads-files-bare.ts':
    "import { readFileSync } from 'fs';\nexport const read = readFileSync;\n",
  // Dirty: another part of the platform, even for a type.
  'apps/shop/src/orders/domain/publishes.ts':
    "import { publish } from '@tessera/platform/messaging';\nexport const published = publish;\n",
  'apps/shop/src/orders/domain/queries.ts':
    "import type { query } from '@tessera/platform/sql';\nexport type Query = typeof query;\n",
  // Dirty: its own context's adapters and application layer, another context's domain.
  'apps/shop/src/orders/domain/stores.ts':
    "import { store } from '../adapters/store.js';\nexport const stored = store;\n",
  'apps/shop/src/orders/domain/handles.ts':
    "import { handle } from '../application/handle.js';\nexport const handled = handle;\n",
  'apps/shop/src/orders/domain/bills.ts':
    "import { bill } from '../../billing/domain/bill.js';\nexport const billed = bill;\n",
  'apps/shop/src/orders/adapters/store.ts': 'export const store = 1;\n',
  'apps/shop/src/orders/application/handle.ts': 'export const handle = 1;\n',
  'apps/shop/src/billing/domain/bill.ts': 'export const bill = 1;\n',
  // Dirty: the platform's building blocks by a path into its sources, not through its exports.
  'apps/shop/src/orders/domain/reaches-in.ts':
    "import { DomainError } from '../../../../../packages/platform/src/ddd/errors.ts';\nexport const E = DomainError;\n",
  // Clean outside a domain folder: any platform part through its exports.
  'apps/shop/src/orders/adapters/publisher.ts':
    "import { publish } from '@tessera/platform/messaging';\nexport const publisher = publish;\n",

  // An application's building blocks (the book's teaching examples): pure outside their adapters/ folders.
  'apps/shop/src/building-blocks/entities/auction.ts': [
    "import { DomainError } from '@tessera/platform/ddd';",
    "import { z } from 'zod';",
    "import type { Money } from '../value-objects/money.js';",
    'export const auction = (price: Money) => [DomainError, z, price];',
    '',
  ].join('\n'),
  'apps/shop/src/building-blocks/value-objects/money.ts': 'export type Money = number;\n',
  'apps/shop/src/building-blocks/repositories/port.ts': 'export type Port = { save(): Promise<void> };\n',
  // Clean: an adapter may use any platform part, and the port it implements.
  'apps/shop/src/building-blocks/repositories/adapters/postgres.ts': [
    "import { query } from '@tessera/platform/sql';",
    "import type { Port } from '../port.js';",
    'export const adapter: Port = { save: async () => void query() };',
    '',
  ].join('\n'),
  // Dirty: I/O outside an adapters folder, and a pure part reaching for an adapter.
  'apps/shop/src/building-blocks/repositories/queries.ts':
    "import { query } from '@tessera/platform/sql';\nexport const queried = query;\n",
  'apps/shop/src/building-blocks/services/mailer.ts':
    "import { request } from 'node:http';\nexport const send = request;\n",
  'apps/shop/src/building-blocks/services/saves.ts':
    "import { adapter } from '../repositories/adapters/postgres.js';\nexport const saved = adapter;\n",

  'apps/kiosk/package.json': JSON.stringify({
    name: 'kiosk',
    private: true,
    type: 'module',
    dependencies: { '@tessera/platform': '*' },
  }),
  // Dirty: one application importing another.
  'apps/kiosk/src/main.ts':
    "import { line } from '../../shop/src/orders/domain/line.js';\nexport const l = line;\n",
};

let fixture: string;
let result: ICruiseResult;

beforeAll(async () => {
  fixture = mkdtempSync(join(tmpdir(), 'dependency-rules-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  }
  // The workspace link npm makes.
  mkdirSync(join(fixture, 'node_modules/@tessera'), { recursive: true });
  symlinkSync('../../packages/platform', join(fixture, 'node_modules/@tessera/platform'), 'dir');
  // The repository's compiler options (extends is flattened by extractTSConfig), on the fixture's files.
  writeFileSync(
    join(fixture, 'tsconfig.json'),
    JSON.stringify({ extends: join(repository, 'tsconfig.json'), include: ['packages/*/src', 'apps/*/src'] }),
  );

  const rules = await extractDepcruiseOptions(join(repository, '.dependency-cruiser.cjs'));
  const tsConfig = join(fixture, 'tsconfig.json');
  const cruised = await cruise(
    ['packages', 'apps'],
    { ...rules, baseDir: fixture, tsConfig: { fileName: tsConfig } },
    {},
    { tsConfig: extractTSConfig(tsConfig) },
  );
  result = cruised.output as ICruiseResult;
});

afterAll(() => {
  if (fixture) rmSync(fixture, { recursive: true, force: true });
});

const violations = () =>
  result.summary.violations
    .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
    .sort((a, b) => a.localeCompare(b));

describe('the dependency rules (npm run deps)', () => {
  it('cruised the fixture, resolving the platform through its package exports', () => {
    const order = result.modules.find((m) => m.source === 'apps/shop/src/orders/domain/order.ts');
    expect(order?.dependencies.map((d) => d.resolved).sort()).toEqual([
      'apps/shop/src/orders/domain/line.ts',
      'apps/shop/src/orders/domain/values/money.ts',
      'node_modules/zod/index.js',
      'packages/platform/src/ddd/index.ts',
    ]);
  });

  it('reports every forbidden import of a domain folder, of the building blocks, of ddd and between applications, and nothing else', () => {
    expect(violations()).toEqual(
      [
        'applications-stand-alone: apps/kiosk/src/main.ts → apps/shop/src/orders/domain/line.ts',
        'applications-use-platform-exports: apps/shop/src/orders/domain/reaches-in.ts → packages/platform/src/ddd/errors.ts',
        'building-blocks-are-pure: apps/shop/src/building-blocks/repositories/queries.ts → packages/platform/src/sql/index.ts',
        'building-blocks-are-pure: apps/shop/src/building-blocks/services/mailer.ts → http',
        'building-blocks-use-ports-not-adapters: apps/shop/src/building-blocks/services/saves.ts → apps/shop/src/building-blocks/repositories/adapters/postgres.ts',
        'domain-is-pure: apps/shop/src/orders/domain/bills.ts → apps/shop/src/billing/domain/bill.ts',
        'domain-is-pure: apps/shop/src/orders/domain/handles.ts → apps/shop/src/orders/application/handle.ts',
        'domain-is-pure: apps/shop/src/orders/domain/publishes.ts → packages/platform/src/messaging/index.ts',
        'domain-is-pure: apps/shop/src/orders/domain/queries.ts → packages/platform/src/sql/index.ts',
        'domain-is-pure: apps/shop/src/orders/domain/reads-files-bare.ts → fs',
        // dependency-cruiser names a core module without its scheme.
        'domain-is-pure: apps/shop/src/orders/domain/reads-files.ts → fs',
        'domain-is-pure: apps/shop/src/orders/domain/stores.ts → apps/shop/src/orders/adapters/store.ts',
        'modules-meet-through-contracts: apps/shop/src/orders/domain/bills.ts → apps/shop/src/billing/domain/bill.ts',
        'platform-ddd-is-pure: packages/platform/src/ddd/clock.ts → fs',
        'platform-ddd-is-pure: packages/platform/src/ddd/publishing.ts → packages/platform/src/messaging/index.ts',
      ].sort((a, b) => a.localeCompare(b)),
    );
    // What the command line's exit code counts: `npm run check` fails.
    expect(result.summary.error).toBe(15);
  });
});
