import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  describeProtobufContracts,
  pgliteTestDatabase,
  startTestHost,
  type TestHost,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createSubscriptionsModule } from '../../src/subscriptions/module.js';
import { HOST_START_MS } from './support.js';

/**
 * The published language (PL-1..5, PL-T1..3): the OpenAPI document and the .proto are the source of truth, the
 * TypeScript generated from them is committed, and CI fails when the two drift apart (as `npm run generate`
 * would change it) or when the served routes stop answering what the document publishes.
 */
const root = join(fileURLToPath(new URL('../../../../', import.meta.url)), '.');
const contract = 'apps/coffeeco/src/subscriptions/contract';
const bin = join(root, 'node_modules/.bin');
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

/** The command `npm run generate` runs for the OpenAPI document, output aside. */
const OPENAPI_TYPESCRIPT = [
  `${contract}/openapi.yaml`,
  '--immutable',
  '--root-types',
  '--root-types-no-schema-prefix',
];

// The gRPC form: the book's package user.v1 (UserService/CreateUser) under proto/user, not coffeeco/<context>.
describeProtobufContracts({
  root,
  application: 'coffeeco',
  protoPackage: 'coffeeco',
  contexts: [{ context: 'subscriptions', path: 'user' }],
});

interface Operation {
  operationId: string;
  responses: Record<string, unknown>;
}
interface Document {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Schema {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema & { $ref?: string; items?: { $ref?: string } }>;
  enum?: string[];
}

const published = parse(readFileSync(join(root, contract, 'openapi.yaml'), 'utf8')) as Document;

describe('the published language in OpenAPI (contract/openapi.yaml)', () => {
  const out = mkdtempSync(join(tmpdir(), 'subscriptions-openapi-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('has the book’s getUsers, User and ApiResponse, the Users it forgot, and the open host’s route', () => {
    expect(Object.keys(published.paths).sort()).toEqual(['/user/{userID}/payment/active', '/users']);
    expect(published.paths['/users']?.get?.operationId).toBe('getUsers');
    expect(published.paths['/user/{userID}/payment/active']?.get?.operationId).toBe(
      'isUserSubscriptionActive',
    );
    expect(Object.keys(published.components.schemas)).toEqual(
      expect.arrayContaining(['User', 'Users', 'ApiResponse', 'UserActiveResponse']),
    );
    expect(published.components.schemas.Users).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/User' },
    });
    expect(published.servers).toEqual([{ url: '/coffeeco/api/subscriptions' }]);
  });

  it('matches the committed openapi.gen.ts (run `npm run generate` after changing openapi.yaml)', () => {
    const generated = join(out, 'openapi.gen.ts');
    execFileSync(join(bin, 'openapi-typescript'), [...OPENAPI_TYPESCRIPT, '-o', generated], {
      cwd: root,
      env,
      stdio: 'pipe',
    });
    const committed = join(root, contract, 'openapi.gen.ts');
    // Formatted as `npm run generate` formats it, under the path it is committed at.
    const formatted = execFileSync(
      join(bin, 'biome'),
      ['check', '--write', `--stdin-file-path=${committed}`],
      {
        cwd: root,
        env,
        input: readFileSync(generated),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    ).toString();
    expect(formatted).toBe(readFileSync(committed, 'utf8'));
    // The same command as `npm run generate`'s, so that the two cannot disagree on the options.
    const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.generate as string;
    expect(script).toContain(
      `openapi-typescript ${OPENAPI_TYPESCRIPT[0]} -o ${contract}/openapi.gen.ts ${OPENAPI_TYPESCRIPT.slice(1).join(' ')}`,
    );
  });
});

describe('the served routes answer what the published language says', () => {
  let api: TestHost;
  let served: Document;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [createSubscriptionsModule()]);
    served = (await api.call('GET', '/openapi.json')).json<Document>();
  }, HOST_START_MS);
  afterAll(() => api?.close());

  /** A schema's shape, its $refs followed: the properties, their types, and which are required. */
  const shape = (document: Document, schema: Schema & { $ref?: string }): unknown => {
    const resolved = schema.$ref
      ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!
      : schema;
    if (resolved.type === 'array' || 'items' in resolved) {
      return { array: shape(document, (resolved as { items: Schema }).items) };
    }
    if (!resolved.properties) return { type: resolved.type, ...(resolved.enum && { enum: resolved.enum }) };
    return {
      required: [...(resolved.required ?? [])].sort(),
      properties: Object.fromEntries(
        Object.entries(resolved.properties).map(([name, property]) => [name, shape(document, property)]),
      ),
    };
  };
  const okSchema = (operation: Operation) =>
    (operation.responses['200'] as { content: { 'application/json': { schema: Schema } } }).content[
      'application/json'
    ].schema;

  it.each(Object.keys(published.paths))('serves %s as published', (path) => {
    const mine = served.paths[`/api/subscriptions${path}`]?.get;
    const theirs = published.paths[path]!.get!;
    expect(mine?.operationId).toBe(theirs.operationId);
    expect(Object.keys(mine!.responses)).toEqual(expect.arrayContaining(Object.keys(theirs.responses)));
    expect(shape(served, okSchema(mine!))).toEqual(shape(published, okSchema(theirs)));
  });
});
