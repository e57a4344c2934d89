import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * ACL-4 and PL-T3 as the repository's dependency rules state them (`.dependency-cruiser.cjs`, which `npm run
 * check` runs): only subscriptions' anti-corruption layer knows marketing's model, and no domain or application
 * layer imports code generated from a published language. First on a small tree where each bad file breaks a
 * rule, then on the real subscriptions module.
 */
const repository = join(fileURLToPath(new URL('../../../../', import.meta.url)), '.');
const rules = () => extractDepcruiseOptions(join(repository, '.dependency-cruiser.cjs'));

const violationsOf = (result: ICruiseResult) =>
  result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

const subscriptions = 'apps/coffeeco/src/subscriptions';
const files: Record<string, string> = {
  'package.json': JSON.stringify({ private: true, type: 'module' }),
  'apps/coffeeco/src/marketing/contract/integration-events.ts': 'export type Model = { ID: string };\n',
  [`${subscriptions}/contract/gen/user/v1/user_pb.ts`]: 'export type User = { email: string };\n',
  [`${subscriptions}/contract/openapi.gen.ts`]: 'export type UserActiveResponse = { IsActive: boolean };\n',
  [`${subscriptions}/domain/campaign.ts`]: 'export type Campaign = { ID: string };\n',
  // Clean: the anti-corruption layer knows both models; an adapter maps the generated types.
  [`${subscriptions}/adapters/acl/marketing-campaigns.ts`]: [
    "import type { Model } from '../../../marketing/contract/integration-events.js';",
    "import type { Campaign } from '../../domain/campaign.js';",
    'export const ToCampaign = (m: Model): Campaign => ({ ID: m.ID });',
    '',
  ].join('\n'),
  [`${subscriptions}/adapters/rpc/user-service.ts`]:
    "import type { User } from '../../contract/gen/user/v1/user_pb.js';\nexport type U = User;\n",
  // Dirty: marketing's model outside the layer (the domain, the application, an HTTP adapter).
  [`${subscriptions}/domain/adopts-marketing.ts`]:
    "import type { Model } from '../../marketing/contract/integration-events.js';\nexport type C = Model;\n",
  [`${subscriptions}/application/adopts-marketing.ts`]:
    "import type { Model } from '../../marketing/contract/integration-events.js';\nexport type C = Model;\n",
  [`${subscriptions}/adapters/http/adopts-marketing.ts`]:
    "import type { Model } from '../../../marketing/contract/integration-events.js';\nexport type C = Model;\n",
  // Dirty: generated transport types in the application and the domain.
  [`${subscriptions}/application/speaks-protobuf.ts`]:
    "import type { User } from '../contract/gen/user/v1/user_pb.js';\nexport type U = User;\n",
  [`${subscriptions}/application/speaks-openapi.ts`]:
    "import type { UserActiveResponse } from '../contract/openapi.gen.js';\nexport type A = UserActiveResponse;\n",
  [`${subscriptions}/domain/speaks-openapi.ts`]:
    "import type { UserActiveResponse } from '../contract/openapi.gen.js';\nexport type A = UserActiveResponse;\n",
};

describe('the anti-corruption layer and the published language stay at the edge (ACL-4, PL-T3)', () => {
  let fixture: string;
  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'subscriptions-boundaries-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    }
    writeFileSync(
      join(fixture, 'tsconfig.json'),
      JSON.stringify({ extends: join(repository, 'tsconfig.json'), include: ['apps/*/src'] }),
    );
  });
  afterAll(() => {
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  it('reports marketing’s model outside the layer, and generated types in a domain or application', async () => {
    const tsConfig = join(fixture, 'tsconfig.json');
    const cruised = await cruise(
      ['apps'],
      { ...(await rules()), baseDir: fixture, tsConfig: { fileName: tsConfig } },
      {},
      { tsConfig: extractTSConfig(tsConfig) },
    );
    const s = subscriptions;
    const marketing = 'apps/coffeeco/src/marketing/contract/integration-events.ts';
    expect(violationsOf(cruised.output as ICruiseResult)).toEqual(
      [
        `domain-is-pure: ${s}/domain/adopts-marketing.ts → ${marketing}`,
        `domain-is-pure: ${s}/domain/speaks-openapi.ts → ${s}/contract/openapi.gen.ts`,
        `published-language-stays-at-the-edge: ${s}/application/speaks-openapi.ts → ${s}/contract/openapi.gen.ts`,
        `published-language-stays-at-the-edge: ${s}/application/speaks-protobuf.ts → ${s}/contract/gen/user/v1/user_pb.ts`,
        `published-language-stays-at-the-edge: ${s}/domain/speaks-openapi.ts → ${s}/contract/openapi.gen.ts`,
        `subscriptions-reads-marketing-through-its-acl: ${s}/adapters/http/adopts-marketing.ts → ${marketing}`,
        `subscriptions-reads-marketing-through-its-acl: ${s}/application/adopts-marketing.ts → ${marketing}`,
        `subscriptions-reads-marketing-through-its-acl: ${s}/domain/adopts-marketing.ts → ${marketing}`,
      ].sort(),
    );
  });

  it('finds the real subscriptions module clean: marketing is imported by its anti-corruption layer alone', async () => {
    const cruised = await cruise(
      [subscriptions],
      { ...(await rules()), baseDir: repository },
      {},
      {
        tsConfig: extractTSConfig(join(repository, 'tsconfig.json')),
      },
    );
    const result = cruised.output as ICruiseResult;
    expect(violationsOf(result)).toEqual([]);
    const importers = (target: RegExp) =>
      result.modules
        .filter((module) => module.source.startsWith(subscriptions))
        .filter((module) => module.dependencies.some((dependency) => target.test(dependency.resolved)))
        .map((module) => module.source)
        .sort();
    expect(importers(/^apps\/coffeeco\/src\/marketing\//)).toEqual([
      `${subscriptions}/adapters/acl/marketing-campaigns.ts`,
    ]);
    // The generated types are used, and only by adapters.
    const generated = importers(/^apps\/coffeeco\/src\/subscriptions\/contract\/(gen\/|openapi\.gen\.ts)/);
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.every((source) => source.startsWith(`${subscriptions}/adapters/`))).toBe(true);
  });
});
