import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exclusively, freePort, outsideEnvironment, runCommand } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, timed } from './support/processes.js';

/**
 * @tessera/platform as its users get it: `npm pack` (whose prepack builds dist/), then an application outside
 * the repository that depends on the tarball, installs it with npm, type-checks its TypeScript against the
 * tarball's declarations with tsc and runs the JavaScript with plain node: no tsx, no `@tessera/source`.
 * The application is test/fixtures/tiny-app/src: the walk-through of docs/guides/new-application.md.
 */

const platformDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/tiny-app/src', import.meta.url));

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
const platform = readJson(join(platformDir, 'package.json'));
const workspace = readJson(join(root, 'package.json'));

const timings: Record<string, number> = {};
let work: string;
let app: ChildProcess | undefined;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tessera-package-'));
});

afterAll(() => {
  app?.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
  console.info(`@tessera/platform package e2e timings (s): ${JSON.stringify(timings)}`);
});

describe('@tessera/platform, packed and installed outside the repository', () => {
  let tarball: string;
  let files: string[];

  it('packs its build: JavaScript, declarations and their maps, the sources they map to, README and LICENSE', async () => {
    const packed = await exclusively(root, () =>
      timed(timings, 'npm pack (prepack: clean, build)', () =>
        runCommand('npm', ['pack', '--pack-destination', work, '--json'], { cwd: platformDir }),
      ),
    );
    const [result] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, result.filename);
    files = result.files.map((file) => file.path);

    expect(existsSync(tarball)).toBe(true);
    for (const file of ['package.json', 'README.md', 'LICENSE']) expect(files).toContain(file);
    expect(files.filter((file) => /(^|\/)test\/|\.test\.|tsconfig/.test(file))).toEqual([]);
    for (const [part, target] of Object.entries(platform.exports)) {
      if (typeof target === 'string') continue;
      // Each part: its types and its JavaScript in dist/; the workspace's source condition first.
      expect(Object.keys(target), part).toEqual(['@tessera/source', 'types', 'import']);
      for (const path of [target.types!, target.import!, `${target.types}.map`, `${target.import}.map`]) {
        expect(files, `${part}: ${path}`).toContain(path.replace(/^\.\//, ''));
      }
    }
  }, 600_000);

  it('installs into a new project, whose TypeScript compiles against its declarations and runs on plain node', async () => {
    expect(tarball, 'the tarball of the previous test').toBeDefined();
    const project = join(work, 'tiny');
    mkdirSync(project);
    cpSync(fixture, join(project, 'src'), { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'tiny',
          version: '0.1.0',
          private: true,
          type: 'module',
          scripts: { build: 'tsc', start: 'node dist/main.js' },
          dependencies: { '@tessera/platform': `file:${tarball}`, zod: platform.dependencies.zod },
          devDependencies: {
            typescript: workspace.devDependencies.typescript,
            '@types/node': workspace.devDependencies['@types/node'],
          },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          // Third-party declarations (PGlite's, Connect's) want DOM and Emscripten types; the application's own
          // code is still checked against the platform's declarations.
          skipLibCheck: true,
          types: ['node'],
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
      }),
    );

    // The npm cache is warm from the workspace's install: nothing is downloaded that it already holds.
    await timed(timings, 'npm install', () =>
      runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project }),
    );
    expect(existsSync(join(project, 'node_modules/@tessera/platform/dist/runtime/index.js'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/tsx')), 'nothing installs tsx').toBe(false);

    await timed(timings, 'tsc', () =>
      runCommand(
        process.execPath,
        [join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        {
          cwd: project,
        },
      ),
    );
    expect(existsSync(join(project, 'dist/main.js'))).toBe(true);

    const url = await timed(timings, 'start', () => start(project));
    // The operator logs in at the built-in provider's token endpoint, as any OAuth client would.
    const login = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', ...OPERATOR }),
    });
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const add = (amount: number, token: string | null = access_token) =>
      fetch(`${url}/tiny/api/counters/first/additions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ amount }),
      });
    const anonymous = await add(2, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthenticated' });
    const first = await add(2);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: 'first', value: 2, version: 1 });
    expect(await (await add(3)).json()).toEqual({ id: 'first', value: 5, version: 2 });
    const refused = await add(0);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'counters.bad_amount' });
    expect(await (await fetch(`${url}/tiny/api/counters/first`)).json()).toEqual({
      id: 'first',
      value: 5,
      version: 2,
    });
    expect((await fetch(`${url}/readiness`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => app!.once('exit', resolve));
    app!.kill('SIGTERM');
    expect(await exited, 'a graceful stop on SIGTERM').toBe(0);
    app = undefined;
  }, 600_000);
});

const OPERATOR = { username: 'tiny-operator', password: crypto.randomUUID() };

/** Starts the compiled application with plain node on a free port; resolves with its URL once it is ready. */
async function start(project: string): Promise<string> {
  const [port, rpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: project,
    env: outsideEnvironment({
      PORT: String(port),
      RPC_PORT: String(rpcPort),
      HOST: '127.0.0.1',
      DATA_DIR: join(work, 'data'),
      DATABASE_URL: '',
      NATS_URL: '',
      LOG_LEVEL: 'warn',
      OPERATOR_USERNAME: OPERATOR.username,
      OPERATOR_PASSWORD: OPERATOR.password,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app = child;
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`exited with ${child.exitCode} before it was ready:\n${output}`);
    const ready = await fetch(`${url}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return url;
    if (Date.now() > deadline) throw new Error(`not ready after 120s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
