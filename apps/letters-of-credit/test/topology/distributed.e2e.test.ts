import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { passwordToken } from '@tessera/platform/identity';
import {
  type Application,
  discoverApplications,
  type LaunchedTopology,
  launchDistributed,
} from '@tessera/platform/runtime';
import { deleteTestStream, testNatsUrl, testServerUrl, uniqueTestStream } from '@tessera/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lettersOfCredit } from '../../src/app.js';

/** The repository's root and its one entry, run from source as `npm run start:distributed` runs it. */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY = 'apps/main.ts';

const prefix = `t${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const stream = uniqueTestStream();
const logDir = join(tmpdir(), `lc-distributed-${prefix}`);
const OPERATOR = { username: 'lc-operator', password: randomUUID() };
let topology: LaunchedTopology | undefined;
let applications: Application[] = [];
let operatorToken: (() => Promise<string>) | undefined;

/** A call through the gateway, as a client makes it: as the operator unless a token is given. */
async function call(method: string, path: string, body?: unknown, token?: string) {
  operatorToken ??= passwordToken({ tokenUrl: `${topology!.gatewayUrl}/oauth/token`, ...OPERATOR });
  const authorization = `Bearer ${token ?? (await operatorToken())}`;
  const response = await fetch(`${topology!.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** The launcher's own command line, to its end: its exit code and everything it wrote. */
function runLauncher(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const launcher = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'launch'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  launcher.stdout.on('data', collect);
  launcher.stderr.on('data', collect);
  return new Promise((resolve) => launcher.once('close', (code) => resolve({ code, output })));
}

// Every application of the repository, as `npm run start:distributed` launches them when APPS is unset; one
// module of each (MODULES chooses across them) keeps it to four processes: one of letters of credit's, one of
// MallBots', the identity provider they share, and the one gateway in front of both.
describe('the distributed topology of several applications (npm run start:distributed)', () => {
  beforeAll(async () => {
    applications = await discoverApplications(join(repoRoot, 'apps'));
    topology = await launchDistributed({
      applications,
      entry: ENTRY,
      cwd: repoRoot,
      node: ['--import', 'tsx'],
      env: {
        MODULES: 'lc-applications,stores',
        DATABASE_URL: testServerUrl,
        NATS_URL: testNatsUrl,
        NATS_STREAM: stream,
        DISTRIBUTED_PREFIX: prefix,
        PORT: '0',
        HTTP_PORT_BASE: '0',
        RPC_PORT_BASE: '0',
        OPERATOR_USERNAME: OPERATOR.username,
        OPERATOR_PASSWORD: OPERATOR.password,
        LOG_LEVEL: 'warn',
        LOG_DIR: logDir,
        READY_TIMEOUT: '120',
      },
      timeoutMs: 150_000,
    });
  }, 160_000);

  afterAll(async () => {
    await topology?.stop();
    await topology?.dropDatabases(testServerUrl);
    await deleteTestStream(stream);
    await rm(logDir, { recursive: true, force: true });
  }, 60_000);

  it('runs a process per chosen module of each application, on databases of their own, and says where each application is', async () => {
    expect(applications.map((application) => application.name)).toEqual([
      'coffeeco',
      'letters-of-credit',
      'mallbots',
    ]);
    expect([...topology!.processes.keys()].sort()).toEqual([
      'gateway',
      'identity',
      'lc-applications',
      'stores',
    ]);
    const client = new pg.Client({ connectionString: testServerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY datname',
        [`${prefix}\\_%`],
      );
      expect(rows.map(({ datname }) => datname)).toEqual(
        ['identity', 'lc-applications', 'stores'].map((name) => `${prefix}_${name}`),
      );
    } finally {
      await client.end();
    }
    const gateway = topology!.gatewayUrl;
    // Each application at its prefix on the gateway, naming the modules it runs when not all of them.
    const partly = lettersOfCredit.modules.length > 1 ? ' (lc-applications)' : '';
    expect(topology!.output()).toContain(
      `Letters of credit${partly} (distributed) is running at ${gateway}/letters-of-credit (API docs at ${gateway}/docs)`,
    );
    expect(topology!.output()).toContain(
      `MallBots (stores) (distributed) is running at ${gateway} (API docs`,
    );
  });

  it("starts a letter of credit application through the one gateway, as an operator with a token from the gateway's identity routes", async () => {
    const started = await call('POST', '/letters-of-credit/api/lc-applications/start-new', {
      applicantId: `applicant-${prefix}`,
      clientReference: 'Distributed LC',
    });
    expect(started.status, started.text).toBe(201);
    const { id } = started.json() as { id: string };
    // Where it is, as the client reaches it: under letters of credit's prefix.
    expect(started.headers.get('location')).toBe(`/letters-of-credit/api/lc-applications/${id}`);
    const read = await call('GET', `/letters-of-credit/api/lc-applications/${id}`);
    expect(read.status, read.text).toBe(200);
    expect(read.json()).toMatchObject({ id, applicantId: `applicant-${prefix}`, status: 'draft' });
  });

  it("routes each application's paths to its own modules only, and refuses what no application has", async () => {
    // MallBots keeps the root: its stores, through the same gateway and the same token.
    const stores = await call('GET', '/api/stores');
    expect(stores.status, stores.text).toBe(200);
    // Letters of credit's module is not at the root, nor MallBots' under letters of credit's prefix.
    for (const path of ['/api/lc-applications/start-new', '/letters-of-credit/api/stores']) {
      const answer = await call('POST', path, { clientReference: 'Nowhere' });
      expect(answer.status, `${path}: ${answer.text}`).toBe(404);
      expect(answer.json()).toMatchObject({ code: 'no_route' });
    }
    // Without a token the module's process refuses, behind the gateway as in one process.
    const anonymous = await fetch(`${topology!.gatewayUrl}/letters-of-credit/api/lc-applications/start-new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientReference: 'Anonymous' }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('documents both applications in one API document, each under its prefix, and names both on its landing page', async () => {
    const document = (await (await fetch(`${topology!.gatewayUrl}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/letters-of-credit/api/lc-applications/start-new', '/api/stores']),
    );
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/api/lc-applications'))).toEqual([]);
    const landing = await (await fetch(`${topology!.gatewayUrl}/`)).text();
    expect(landing).toContain(lettersOfCredit.title);
    expect(landing).toContain('MallBots');
  });
});

describe('the launcher, told to launch an application there is none of', () => {
  it('stops before it makes or starts anything, naming the applications there are', async () => {
    const { code, output } = await runLauncher({
      APPS: 'letters-of-credit,teashop',
      DATABASE_URL: testServerUrl,
    });
    expect(code).toBe(2);
    expect(output).toContain(
      'APPS names an unknown application "teashop" (known: coffeeco, letters-of-credit, mallbots, or all)',
    );
    expect(output).not.toContain('started');
  }, 60_000);
});
