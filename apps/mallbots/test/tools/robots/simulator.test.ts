import { createLogger } from '@tessera/platform/observability';
import { ConfigError } from '@tessera/platform/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRobotsConfig } from '../../../tools/robots/config.js';
import { type BotCredentials, botIdOf, type Fleet, startFleet } from '../../../tools/robots/fleet.js';
import { aList, eventually, robotCalled, startMemoryRobotsServer } from '../../depot/rpc/memory-robots.js';

const quiet = createLogger({ level: 'silent', format: 'json' });

describe('the robot simulator', () => {
  let server: Awaited<ReturnType<typeof startMemoryRobotsServer>> | undefined;
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    await server?.close();
    fleet = undefined;
    server = undefined;
  });

  /** A fleet on the in-memory depot, each bot with its own credential unless `credentials` says otherwise. */
  function launch(
    options: {
      unavailableRate?: number;
      disconnectRate?: number;
      count?: number;
      credentials?: BotCredentials;
    } = {},
  ) {
    const running = server!;
    fleet = startFleet({
      url: running.url,
      count: options.count ?? 1,
      prefix: 'test-bot',
      stepMs: 1,
      unavailableRate: options.unavailableRate ?? 0,
      disconnectRate: options.disconnectRate ?? 0,
      backoffMs: 5,
      maxBackoffMs: 20,
      credentials: options.credentials ?? ((bot) => () => running.tokenFor(robotCalled(bot.id))),
      logger: quiet,
    });
  }

  async function start(options: { unavailableRate?: number; disconnectRate?: number; count?: number } = {}) {
    server = await startMemoryRobotsServer();
    launch(options);
    const bot = botIdOf('test-bot-1');
    const robots = server.robots;
    await eventually(() => robots.isOnline(bot) && robots.watching(bot) === 1, 'the bot connected');
    return { robots, bot };
  }

  const reported = (calls: Array<{ op: string; input: unknown }>) =>
    calls
      .filter((call) => call.op === 'reportItem')
      .map((call) => {
        const input = call.input as { productId: string; outcome: string };
        return `${input.productId}:${input.outcome}`;
      });

  it('gives each bot a stable id from its name, so that a rerun is the same bots', () => {
    expect(botIdOf('bot-1')).toBe(botIdOf('bot-1'));
    expect(botIdOf('bot-1')).not.toBe(botIdOf('bot-2'));
    expect(botIdOf('bot-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('shops a list: each item reported once, then back to the depot, then waits', async () => {
    const { robots, bot } = await start();
    robots.instruct(bot, aList());
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(reported(robots.calls)).toEqual(['p-1:picked', 'p-2:picked', 'p-3:picked']);
    expect((await robots.operations.instruction(bot)).kind).toBe('wait');
    expect(robots.calls.filter((call) => call.op === 'reportReturned')).toHaveLength(1);
  });

  it('reports items unavailable at the configured rate', async () => {
    const { robots, bot } = await start({ unavailableRate: 1 });
    robots.instruct(bot, aList());
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(reported(robots.calls)).toEqual(['p-1:unavailable', 'p-2:unavailable', 'p-3:unavailable']);
  });

  it('comes back without finishing when recalled', async () => {
    const { robots, bot } = await start();
    robots.instruct(bot, { kind: 'recall', shoppingListId: 'list-9', reason: 'the order was canceled' });
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(robots.calls.find((call) => call.op === 'reportReturned')?.input).toEqual({
      botId: bot,
      shoppingListId: 'list-9',
    });
  });

  it('reconnects after the server drops its stream, and finishes the list', async () => {
    const { robots, bot } = await start();
    robots.failInstructionReads(1);
    robots.instruct(bot, aList());
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(robots.calls.filter((call) => call.op === 'connect').length).toBeGreaterThanOrEqual(2);
    expect(reported(robots.calls)).toEqual(['p-1:picked', 'p-2:picked', 'p-3:picked']);
  });

  it('reconnects to learn its errand again when a report is refused, and finishes the list', async () => {
    const { robots, bot } = await start();
    robots.refuseReports(1);
    robots.instruct(bot, aList());
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(robots.calls.filter((call) => call.op === 'connect').length).toBeGreaterThanOrEqual(2);
    expect(reported(robots.calls)).toEqual(['p-1:picked', 'p-1:picked', 'p-2:picked', 'p-3:picked']);
  });

  it('finishes the list while losing its connection after every item', async () => {
    const { robots, bot } = await start({ disconnectRate: 1 });
    robots.instruct(bot, aList());
    await eventually(() => robots.calls.some((call) => call.op === 'reportReturned'), 'the bot came back');
    expect(reported(robots.calls)).toEqual(['p-1:picked', 'p-2:picked', 'p-3:picked']);
    // Items take 1 ms and a reconnection longer: several drops may fall into one reconnection.
    expect(robots.calls.filter((call) => call.op === 'connect').length).toBeGreaterThanOrEqual(2);
    await eventually(() => robots.calls.some((call) => call.op === 'disconnect'), 'the depot saw a drop');
  });

  it('presents each bot’s own credential: the depot sees each as itself', async () => {
    server = await startMemoryRobotsServer();
    const asked: string[] = [];
    const running = server;
    launch({
      count: 2,
      credentials: (bot) => () => {
        asked.push(bot.name);
        return running.tokenFor(robotCalled(bot.id));
      },
    });
    const ids = ['test-bot-1', 'test-bot-2'].map(botIdOf);
    await eventually(() => ids.every((id) => running.robots.isOnline(id)), 'both bots connected');
    expect(new Set(asked)).toEqual(new Set(['test-bot-1', 'test-bot-2']));
  });

  it('keeps a bot the depot refuses (another’s credential) out, trying again, until it is stopped', async () => {
    server = await startMemoryRobotsServer();
    const running = server;
    let attempts = 0;
    launch({
      credentials: () => () => {
        attempts++;
        return running.tokenFor(robotCalled('someone-else'));
      },
    });
    await eventually(() => attempts >= 3, 'three attempts');
    expect(running.robots.calls).toEqual([]);
    await fleet!.stop();
    fleet = undefined;
  });

  it('waits out a credential it cannot get yet, then connects', async () => {
    server = await startMemoryRobotsServer();
    const running = server;
    let attempts = 0;
    launch({
      credentials: (bot) => async () => {
        if (++attempts <= 2) throw new Error('the identity provider is away');
        return running.tokenFor(robotCalled(bot.id));
      },
    });
    const bot = botIdOf('test-bot-1');
    await eventually(() => running.robots.isOnline(bot), 'the bot connected');
    expect(attempts).toBeGreaterThanOrEqual(3);
  });

  it('runs several bots, and stopping them takes them offline', async () => {
    const { robots } = await start({ count: 3 });
    const ids = ['test-bot-1', 'test-bot-2', 'test-bot-3'].map(botIdOf);
    await eventually(() => ids.every((id) => robots.isOnline(id)), 'every bot connected');
    await fleet!.stop();
    fleet = undefined;
    await eventually(() => ids.every((id) => !robots.isOnline(id)), 'every bot offline');
  });
});

describe('the simulator settings', () => {
  it('reads the environment, overridden by the command line', () => {
    const config = loadRobotsConfig({ ROBOTS: '2', ROBOTS_STEP_MS: '50' }, [
      '--count',
      '5',
      '--url',
      'http://127.0.0.1:9000',
      '--unavailable-rate',
      '0.5',
    ]);
    expect(config).toMatchObject({
      count: 5,
      url: 'http://127.0.0.1:9000',
      identityUrl: undefined,
      stepMs: 50,
      unavailableRate: 0.5,
      disconnectRate: 0,
      prefix: 'bot',
    });
  });

  it('defaults to three bots; ROBOTS=0 means none', () => {
    expect(loadRobotsConfig({}).count).toBe(3);
    expect(loadRobotsConfig({ ROBOTS: '0' }).count).toBe(0);
  });

  it('names each bad option or variable', () => {
    expect(() => loadRobotsConfig({}, ['--count', 'many'])).toThrow(
      '--count must be a whole number (got "many")',
    );
    expect(() => loadRobotsConfig({ ROBOTS_UNAVAILABLE_RATE: '2' })).toThrow(
      'ROBOTS_UNAVAILABLE_RATE must be 0–1',
    );
    expect(() => loadRobotsConfig({}, ['--url', 'nats://x'])).toThrow('--url must be an http:// URL');
    expect(() => loadRobotsConfig({ ROBOTS_IDENTITY_URL: 'idp' })).toThrow(
      'ROBOTS_IDENTITY_URL must be an http:// URL',
    );
    expect(loadRobotsConfig({}, ['--identity-url', 'http://127.0.0.1:8080']).identityUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(() => loadRobotsConfig({ ROBOTS: '-1' })).toThrow('ROBOTS must be 0–1000');
    expect(() => loadRobotsConfig({}, ['--step-ms', 'slow'])).toThrow('--step-ms must be a whole number');
    expect(() => loadRobotsConfig({}, ['--speed', '3'])).toThrow(ConfigError);
  });
});
