import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Broker,
  createEmbeddedBroker,
  embeddedBrokerMigrations,
  newEnvelope,
} from '@tessera/platform/messaging';
import { loadConfig } from '@tessera/platform/runtime';
import { migrate } from '@tessera/platform/sql';
import { type OpenedTestDatabase, pgliteTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPS_USAGE, runOps, runOpsCli } from '../src/runtime/ops-cli.js';

const NEVER = 3_600_000;

/** Runs a command line in-process with its output captured. */
const captured = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) },
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
};

let opened: OpenedTestDatabase;
let broker: Broker;
let failed = 0;
let onFailure: (() => void) | undefined;
const group = 'cli-tests';
const deadIds: string[] = [];
const messageIds: string[] = [];

const cli = async (...args: string[]) => {
  const capture = captured();
  const code = await runOpsCli(args, broker, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
};

beforeAll(async () => {
  opened = await pgliteTestDatabase.open();
  await migrate(opened.db, [embeddedBrokerMigrations()]);
  broker = createEmbeddedBroker({
    db: opened.db,
    idleRecheckMs: NEVER,
    onError: () => {
      failed++;
      onFailure?.();
    },
  });
  // Two messages, each failed once (maxAttempts 1), then a group that only waits.
  const allFailed = new Promise<void>((resolve) => {
    onFailure = () => failed === 2 && resolve();
  });
  const subscribed = await broker.subscribe({
    group,
    subjects: ['cli.failed'],
    maxAttempts: 1,
    handle: async () => {
      throw new Error('the handler is broken');
    },
  });
  const messages = [1, 2].map((n) =>
    newEnvelope('tests', { type: 'tests.Failed', subject: 'cli.failed', key: `k${n}`, data: n }),
  );
  messageIds.push(...messages.map((m) => m.id));
  await broker.publish(messages);
  await allFailed;
  await subscribed.stop();
  deadIds.push(...(await broker.deadLetters.list(group)).map((letter) => letter.id));
});
afterAll(async () => {
  await broker.close();
  await opened.close();
});

describe('ops CLI', () => {
  it('lists dead letters as a table, and as JSON', async () => {
    const table = await cli('dead-letters', 'list');
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+GROUP\s+SUBJECT\s+TYPE\s+ATTEMPTS\s+DEAD AT\s+REASON$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(deadIds[0]);
    expect(lines[1]).toMatch(/cli-tests\s+cli\.failed\s+tests\.Failed\s+1\s+\S+\s+the handler is broken$/);

    const json = await cli('dead-letters', 'list', '--group', group, '--json');
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout) as { deadLetters: Array<{ id: string }>; truncated: boolean };
    expect(answer.deadLetters.map((l) => l.id)).toEqual(deadIds);
    expect(answer.truncated).toBe(false);

    const limited = await cli('dead-letters', 'list', '--limit', '1');
    expect(limited.stdout.split('\n')).toHaveLength(3);
    expect(limited.stdout).toMatch(/there are more/);

    expect((await cli('dead-letters', 'list', '-g', 'nobody')).stdout).toBe('no dead letters in nobody');
  });

  it('shows one dead letter with its message', async () => {
    const shown = await cli('dead-letters', 'show', deadIds[0]!);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^id: +${deadIds[0]}$`, 'm'));
    expect(shown.stdout).toMatch(/^reason: +the handler is broken$/m);
    expect(shown.stdout).toContain(`"id": "${messageIds[0]}"`);

    const json = await cli('dead-letters', 'show', deadIds[0]!, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: deadIds[0],
      messageId: messageIds[0],
      envelope: { id: messageIds[0], data: 1 },
    });

    const unknown = await cli('dead-letters', 'show', crypto.randomUUID());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^no dead letter /);
  });

  it('shows the lag per group', async () => {
    const lag = await cli('lag');
    expect(lag.code).toBe(0);
    expect(lag.stdout).toMatch(/^GROUP\s+PENDING\s+OLDEST\s+DEAD LETTERS$/m);
    expect(lag.stdout).toMatch(/^cli-tests\s+0\s+-\s+2$/m);
    expect(JSON.parse((await cli('lag', '--json')).stdout)).toEqual({
      groups: [{ group, pending: 0, deadLetters: 2 }],
    });
  });

  it('re-drives by id, then a whole group', async () => {
    const byId = await cli('dead-letters', 'redrive', deadIds[0]!, crypto.randomUUID());
    expect(byId).toEqual({
      code: 0,
      stdout: 're-drove 1 dead letter (1 id matched no dead letter)',
      stderr: '',
    });
    const byGroup = await cli('dead-letters', 'redrive', '--group', group, '--json');
    expect(byGroup.code).toBe(0);
    expect(JSON.parse(byGroup.stdout)).toEqual({ redriven: 1 });
    expect((await cli('dead-letters', 'list')).stdout).toBe('no dead letters');
    expect(await broker.lag()).toMatchObject([{ group, pending: 2, deadLetters: 0 }]);
    expect((await cli('lag')).stdout).toMatch(/^cli-tests\s+2\s+\d+(ms|\.\d+s)\s+0$/m);
  });

  it('answers a wrong command line with exit code 2 and the usage', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /no command given/],
      [['nonsense'], /unknown command "nonsense"/],
      [['dead-letters'], /needs list, show or redrive/],
      [['dead-letters', 'drop'], /unknown dead-letters command "drop"/],
      [['dead-letters', 'list', '--frobnicate'], /frobnicate/],
      [['dead-letters', 'list', '--group'], /group/],
      [['dead-letters', 'list', '--limit', '0'], /--limit must be a whole number/],
      [['dead-letters', 'list', '--limit', 'lots'], /--limit must be a whole number/],
      [['dead-letters', 'list', 'extra'], /takes no ids/],
      [['dead-letters', 'show'], /takes one id/],
      [['dead-letters', 'show', 'not-a-uuid'], /"not-a-uuid" is not a dead letter id/],
      [['dead-letters', 'show', crypto.randomUUID(), '--group', 'g'], /--group does not apply/],
      [['dead-letters', 'redrive'], /ids, or --group/],
      [['dead-letters', 'redrive', crypto.randomUUID(), '--group', 'g'], /ids, or --group/],
      [['dead-letters', 'redrive', '--group', ' '], /--group needs a group name/],
      [['lag', 'now'], /lag takes no arguments/],
      [['lag', '--limit', '3'], /--limit does not apply to lag/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr).toContain(OPS_USAGE);
    }
    const help = await cli('--help');
    expect(help).toEqual({ code: 0, stdout: OPS_USAGE, stderr: '' });
  });

  it('reports a broker failure with exit code 1', async () => {
    const broken = { ...broker, lag: () => Promise.reject(new Error('connection refused')) };
    const capture = captured();
    expect(await runOpsCli(['lag'], broken, capture.io)).toBe(1);
    expect(capture.stderr()).toBe('error: connection refused');
  });
});

describe('runOps', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-ops-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = { ...loadConfig({}), dataDir };

  it('checks the command line before opening the database', async () => {
    const capture = captured();
    expect(await runOps({ name: 'Test', config, args: ['lag', 'x'], io: capture.io })).toBe(2);
    expect(await runOps({ name: 'Test', config, args: ['-h'], io: capture.io })).toBe(0);
    expect(capture.stdout()).toBe(OPS_USAGE);
  });

  // A PGlite folder's first open runs initdb: seconds, many more on a busy machine.
  it('opens the database from the config, with the broker tables', { timeout: 120_000 }, async () => {
    const capture = captured();
    expect(await runOps({ name: 'Test', config, args: ['lag'], io: capture.io })).toBe(0);
    expect(capture.stdout()).toBe('no consumer groups');
    expect(capture.stderr()).toBe('');
  });
});
