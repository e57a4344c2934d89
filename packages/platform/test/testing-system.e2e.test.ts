import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  eventually,
  type RunningSystem,
  SYSTEM_PROFILES,
  type SystemClient,
  startSystem,
  succeeded,
  systemClient,
  testServerUrl,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onServer } from '../src/testing/databases.js';
import { tiny } from './fixtures/tiny-app/src/app.js';
import { root } from './support/processes.js';

/**
 * startSystem runs an application as deployed for its executable specifications, in each profile: only that
 * application, a run operator who can open accounts, people calling with their own tokens, and nothing left
 * behind once it stops (the PGlite folder, the databases).
 */
const ENTRY = 'packages/platform/test/fixtures/tiny-app/src/main.ts';

const serverDatabases = () =>
  onServer(testServerUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'features\\_tiny\\_%'",
    );
    return rows.map((row) => row.datname);
  });
const dataFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('tiny-features-'));

describe.each(SYSTEM_PROFILES)('startSystem (%s)', (profile) => {
  let system: RunningSystem;
  let client: SystemClient;
  let before: { databases: string[]; folders: string[] };
  let stopped = false;

  beforeAll(async () => {
    before = { databases: await serverDatabases(), folders: dataFolders() };
    system = await startSystem({ application: tiny, profile, entry: ENTRY, cwd: root });
    client = systemClient(system);
  }, 200_000);

  afterAll(async () => {
    if (!stopped) await system?.stop();
  }, 60_000);

  it('serves the application at its prefix, to people with accounts the operator opened', async () => {
    const counter = `c-${crypto.randomUUID().slice(0, 8)}`;
    const person = await client.openAccount({ subject: 'counting:ada', roles: ['counter'] });
    expect(person.username).toBe('counting.ada');

    const added = await client.call(person, 'POST', `/tiny/api/counters/${counter}/additions`, { amount: 2 });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toMatchObject({ value: 2 });
    const refused = await client.call('anonymous', 'POST', `/tiny/api/counters/${counter}/additions`, {
      amount: 1,
    });
    expect(refused.status).toBe(401);
    expect(() => succeeded(refused)).toThrow(/answered 401/);

    const read = await eventually(
      'the counter reads 2',
      () => client.find('anonymous', `/tiny/api/counters/${counter}`),
      (value) => value?.value === 2,
    );
    expect(read).toMatchObject({ id: counter, version: 1 });
    expect(await client.find('operator', '/tiny/api/nothing-here')).toBeUndefined();
  });

  it("answers the operators' routes where the profile puts them", async () => {
    const lag = await client.call(
      'operator',
      'GET',
      `${system.adminPath('counters', 'platform')}/messaging/lag`,
    );
    expect(lag.status, JSON.stringify(lag.body)).toBe(200);
    const distributed = profile === 'distributed';
    expect(system.adminPath('counters', 'platform')).toBe(distributed ? '/admin/counters' : '/admin');
    // A module's own operators' routes are under its application's prefix.
    expect(system.adminPath('counters')).toBe(distributed ? '/tiny/admin/counters' : '/tiny/admin');
  });

  it('leaves nothing behind once stopped', async () => {
    stopped = true;
    await system.stop();
    const after = { databases: await serverDatabases(), folders: dataFolders() };
    expect(after.databases.filter((name) => !before.databases.includes(name))).toEqual([]);
    expect(after.folders.filter((name) => !before.folders.includes(name))).toEqual([]);
    const afterwards = await fetch(`${system.baseUrl}/readiness`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(afterwards).toBe('refused');
  }, 60_000);
});
