import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** The contract's checks CI runs with the tests: lint clean, and the committed code is what it generates. */
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const PROTO = join(ROOT, 'apps/letters-of-credit/proto');
/** Each context's contract is generated into its own module's contract/gen. */
const CONTEXTS = ['issuance'];
const BIN = join(ROOT, 'node_modules/.bin');
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}` };

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

describe("the letters of credit's protobuf contracts", () => {
  const out = mkdtempSync(join(tmpdir(), 'letters-of-credit-gen-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('passes buf lint', () => {
    expect(() => execFileSync(join(BIN, 'buf'), ['lint'], { cwd: PROTO, env, stdio: 'pipe' })).not.toThrow();
  });

  it.each(CONTEXTS)(
    "matches %s's committed generated code (run `npm run generate` after changing a .proto)",
    (context) => {
      const generated = join(ROOT, `apps/letters-of-credit/src/${context}/contract/gen`);
      const into = join(out, context);
      const template = JSON.stringify({
        version: 'v2',
        plugins: [{ local: 'protoc-gen-es', out: into, opt: ['target=ts', 'import_extension=js'] }],
      });
      execFileSync(
        join(BIN, 'buf'),
        ['generate', '--template', template, '--path', `lettersofcredit/${context}`],
        { cwd: PROTO, env, stdio: 'pipe' },
      );
      expect(filesUnder(into)).toEqual(filesUnder(generated));
      for (const file of filesUnder(into)) {
        // Formatted as `npm run generate` formats it, under the path it is committed at.
        const formatted = execFileSync(
          join(BIN, 'biome'),
          ['check', '--write', `--stdin-file-path=${join(generated, file)}`],
          { cwd: ROOT, env, input: readFileSync(join(into, file)), stdio: ['pipe', 'pipe', 'pipe'] },
        ).toString();
        expect(formatted, file).toBe(readFileSync(join(generated, file), 'utf8'));
      }
    },
  );
});
