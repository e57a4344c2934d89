import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The contract's checks CI runs with the tests: lint clean, and the committed code is what it generates. */
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const PROTO = join(ROOT, 'apps/mallbots/proto');
const GENERATED = join(ROOT, 'apps/mallbots/src/depot/contract/gen');
const BIN = join(ROOT, 'node_modules/.bin');
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

describe('the robots protobuf contract', () => {
  const out = mkdtempSync(join(tmpdir(), 'mallbots-gen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('passes buf lint', () => {
    expect(() => execFileSync(join(BIN, 'buf'), ['lint'], { cwd: PROTO, env, stdio: 'pipe' })).not.toThrow();
  });

  it('matches the committed generated code (run `npm run generate` after changing a .proto)', () => {
    const template = JSON.stringify({
      version: 'v2',
      plugins: [{ local: 'protoc-gen-es', out, opt: ['target=ts', 'import_extension=js'] }],
    });
    execFileSync(join(BIN, 'buf'), ['generate', '--template', template], { cwd: PROTO, env, stdio: 'pipe' });
    expect(filesUnder(out)).toEqual(filesUnder(GENERATED));
    for (const file of filesUnder(out)) {
      // Formatted as `npm run generate` formats it, under the path it is committed at.
      const formatted = execFileSync(
        join(BIN, 'biome'),
        ['check', '--write', `--stdin-file-path=${join(GENERATED, file)}`],
        { cwd: ROOT, env, input: readFileSync(join(out, file)), stdio: ['pipe', 'pipe', 'pipe'] },
      ).toString();
      expect(formatted, file).toBe(readFileSync(join(GENERATED, file), 'utf8'));
    }
  });
});
