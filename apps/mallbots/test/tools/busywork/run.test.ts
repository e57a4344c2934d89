import { createLogger } from '@tessera/platform/observability';
import { pgliteTestDatabase, startTestHost, type TestHost } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../../src/app.js';
import { type BusyworkReport, runBusywork } from '../../../tools/busywork/run.js';
import { robotCredentials } from '../../../tools/robots/credentials.js';
import { type Fleet, fleetBots, startFleet } from '../../../tools/robots/fleet.js';

// Every MallBots module on PGlite, three fast simulated robots on the robots' API, and the load generator on
// the real HTTP port: a few seconds of buying with no think time, then the drain and the invariants.
describe('busywork against a running MallBots', () => {
  let api: TestHost;
  let fleet: Fleet;
  let report: BusyworkReport;

  beforeAll(async () => {
    api = await startTestHost(pgliteTestDatabase, mallbots.modules);
    fleet = startFleet({
      url: api.host.rpcUrl!,
      count: 3,
      prefix: 'busywork-test',
      credentials: await robotCredentials(
        { url: api.host.identityUrl!, token: api.host.serviceToken! },
        fleetBots('busywork-test', 3),
      ),
      stepMs: 1,
      unavailableRate: 0.1,
      disconnectRate: 0,
      backoffMs: 20,
      maxBackoffMs: 200,
      logger: createLogger({ level: 'silent', format: 'json' }),
    });
    // The load generator logs in as an operator, as it does against `npm start` (OPERATOR_USERNAME...).
    const login = { username: 'busywork', password: crypto.randomUUID() };
    await api.host.identity!.accounts.register({
      subject: 'operator:busywork',
      roles: ['operator'],
      ...login,
    });
    report = await runBusywork({
      url: api.host.url,
      login,
      clients: 3,
      durationMs: 5_000,
      paceMs: 0,
      mix: 'reference',
      seed: 1,
      drainMs: 60_000,
    });
  }, 120_000);
  afterAll(async () => {
    await fleet?.stop();
    await api?.close();
  });

  it('made calls of several actions, and every call was answered as expected', () => {
    expect(report.totalActions).toBeGreaterThan(10);
    expect(report.actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['checkout', 'registerCustomer']),
    );
    expect(report.errors, report.recentErrors.join('\n')).toBe(0);
    for (const action of report.actions) expect(action.p50).toBeGreaterThan(0);
  });

  it('bought orders that all ended, at least one completed, with no invariant broken', () => {
    expect(report.orders.total).toBeGreaterThan(0);
    expect(report.orders.completed).toBeGreaterThanOrEqual(1);
    expect(report.orders.completed + report.orders.rejected + report.orders.canceled).toBe(
      report.orders.total,
    );
    expect(report.orders.open).toBe(0);
    expect(report.drainTimedOut).toBe(false);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('measured checkout-to-ready after checkout-to-approved', () => {
    expect(report.checkoutToReady.count).toBeGreaterThanOrEqual(1);
    expect(report.checkoutToReady.p50!).toBeGreaterThanOrEqual(report.checkoutToApproved.p50!);
  });
});
