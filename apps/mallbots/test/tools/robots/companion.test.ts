import { createLogger } from '@tessera/platform/observability';
import type { RunningCompanion } from '@tessera/platform/runtime';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDepotModule } from '../../../src/depot/module.js';
import { createStoresModule } from '../../../src/stores/module.js';
import { robotsCompanion } from '../../../tools/robots/companion.js';
import { robotCredentials } from '../../../tools/robots/credentials.js';
import { botIdOf, fleetBots } from '../../../tools/robots/fleet.js';

const logger = createLogger({ level: 'silent', format: 'json' });

// The simulated robots as `npm start` runs them: beside the depot, each with a credential of its own that the
// companion makes at the host's identity provider with the host's service token.
describe('the robots companion, beside a depot on pglite', () => {
  let api: TestHost;
  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, [createStoresModule(), createDepotModule()]);
  }, 60_000);
  afterAll(() => api?.close());

  const identity = () => ({ url: api.host.identityUrl!, token: api.host.serviceToken! });
  const statusOf = async (id: string) => {
    const response = await api.call('GET', `/api/depot/bots/${id}`);
    return response.statusCode === 200 ? response.json<{ bot: { status: string } }>().bot.status : undefined;
  };
  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('connects its robots as themselves, and takes them offline when stopped; a rerun is the same robots', async () => {
    const env = { ROBOTS: '2', ROBOTS_PREFIX: 'companion-test', ROBOTS_STEP_MS: '1' };
    const start = () =>
      robotsCompanion.start({
        env,
        logger,
        httpUrl: api.host.url,
        rpcUrl: api.host.rpcUrl,
        identity: identity(),
      }) as Promise<RunningCompanion>;
    const ids = ['companion-test-1', 'companion-test-2'].map(botIdOf);
    for (let run = 1; run <= 2; run++) {
      const running = await start();
      expect(running.summary).toContain('2 simulated robots');
      await until('both robots are online', async () =>
        (await Promise.all(ids.map(statusOf))).every((status) => status === 'idle'),
      );
      await running.stop();
      await until('both robots are offline', async () =>
        (await Promise.all(ids.map(statusOf))).every((status) => status === 'offline'),
      );
    }
    // Each has a client of its own, a robot's, named by its id.
    for (const id of ids) {
      const client = await api.call('GET', `/identity/clients/${id}`);
      expect(client.json()).toEqual({ clientId: id, roles: ['robot'] });
    }
  });

  it('starts nothing and asks for nothing when ROBOTS is 0', async () => {
    const running = await robotsCompanion.start({
      env: { ROBOTS: '0' },
      logger,
      httpUrl: api.host.url,
      rpcUrl: api.host.rpcUrl,
      identity: undefined,
    });
    expect(running).toBeUndefined();
  });

  it('starts no robots with no identity provider to make their credentials at, and warns why', async () => {
    const warnings: string[] = [];
    const watched = createLogger({ level: 'silent', format: 'json' });
    watched.warn = ((_fields: object, message: string) => {
      warnings.push(message);
    }) as typeof watched.warn;
    const running = await robotsCompanion.start({
      env: { ROBOTS: '1' },
      logger: watched,
      httpUrl: api.host.url,
      rpcUrl: api.host.rpcUrl,
      identity: undefined,
    });
    expect(running).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/robots are off: .*none is known here.*set ROBOTS=0/)]);
  });

  describe('robotCredentials', () => {
    it("gives each bot tokens naming it, a robot, from a client of the bot's id", async () => {
      const bots = fleetBots('credentials-test', 3);
      const credentials = await robotCredentials(identity(), bots);
      for (const bot of bots) {
        const principal = await api.host.identity!.verifier.verify(await credentials(bot)());
        expect(principal).toMatchObject({ subject: bot.id, kind: 'client', roles: ['robot'] });
      }
      expect(() => credentials({ id: botIdOf('stranger'), name: 'stranger' })).toThrow(
        'no credential for the bot stranger',
      );
    });

    it('refuses a bot whose id is a client with other roles: it is not this fleet’s', async () => {
      const [bot] = fleetBots('taken-test', 1);
      const made = await api.call('POST', '/identity/clients', { clientId: bot!.id, roles: ['depot-staff'] });
      expect(made.statusCode, made.body).toBe(201);
      await expect(robotCredentials(identity(), [bot!])).rejects.toThrow(
        `the client ${bot!.id} exists with the roles depot-staff, not robot`,
      );
    });

    it("fails, saying why, when the caller may not make robots' credentials", async () => {
      const customer = () => api.tokenFor({ subject: crypto.randomUUID(), roles: ['customer'] });
      await expect(
        robotCredentials({ url: api.host.identityUrl!, token: customer }, fleetBots('refused-test', 1)),
      ).rejects.toThrow(/refused to make the client .*\(403\)/);
    });
  });
});
