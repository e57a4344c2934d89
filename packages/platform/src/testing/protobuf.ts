import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();

/**
 * The checks CI runs on an application's protobuf contracts: `buf lint` is clean, and each context's committed
 * generated code (`apps/<application>/src/<context>/contract/gen`) is what `buf generate` and the formatter make
 * of its `.proto` files (`<protoPackage>/<context>` under `apps/<application>/proto`, or the folder given for a
 * context whose package is laid out otherwise).
 */
export function describeProtobufContracts(options: {
  /** The repository's root, where node_modules/.bin has buf, protoc-gen-es and biome. */
  readonly root: string;
  readonly application: string;
  /** The first part of the proto packages' paths, e.g. `mallbots` for `mallbots/stores/v1`. */
  readonly protoPackage: string;
  /**
   * The contexts, by name; or a context with the folder of its `.proto` files under `proto`, when its package is
   * not `<protoPackage>.<context>` (a published language named by others, such as the book's `user.v1`).
   */
  readonly contexts: readonly (string | { readonly context: string; readonly path: string })[];
}) {
  const { root, application, protoPackage } = options;
  const contexts = options.contexts.map((context) =>
    typeof context === 'string' ? { context, path: `${protoPackage}/${context}` } : context,
  );
  const proto = join(root, `apps/${application}/proto`);
  const bin = join(root, 'node_modules/.bin');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

  describe(`${application}'s protobuf contracts (${contexts.map(({ context }) => context).join(', ')})`, () => {
    const out = mkdtempSync(join(tmpdir(), `${application}-gen-`));
    afterAll(() => rmSync(out, { recursive: true, force: true }));

    it('passes buf lint', () => {
      expect(() =>
        execFileSync(join(bin, 'buf'), ['lint'], { cwd: proto, env, stdio: 'pipe' }),
      ).not.toThrow();
    });

    it.each(contexts.map(({ context, path }) => [context, path]))(
      "matches %s's committed generated code (run `npm run generate` after changing a .proto)",
      (context, path) => {
        const generated = join(root, `apps/${application}/src/${context}/contract/gen`);
        const into = join(out, context);
        const template = JSON.stringify({
          version: 'v2',
          plugins: [{ local: 'protoc-gen-es', out: into, opt: ['target=ts', 'import_extension=js'] }],
        });
        execFileSync(join(bin, 'buf'), ['generate', '--template', template, '--path', path], {
          cwd: proto,
          env,
          stdio: 'pipe',
        });
        expect(filesUnder(into)).toEqual(filesUnder(generated));
        for (const file of filesUnder(into)) {
          // Formatted as `npm run generate` formats it, under the path it is committed at.
          const formatted = execFileSync(
            join(bin, 'biome'),
            ['check', '--write', `--stdin-file-path=${join(generated, file)}`],
            { cwd: root, env, input: readFileSync(join(into, file)), stdio: ['pipe', 'pipe', 'pipe'] },
          ).toString();
          expect(formatted, file).toBe(readFileSync(join(generated, file), 'utf8'));
        }
      },
    );
  });
}
