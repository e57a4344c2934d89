import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Login,
  type RunningSystem,
  type SystemClient,
  type SystemProfile,
  startSystem,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import { lettersOfCredit } from '../src/app.js';

/**
 * `npm run bench:lc`: the letters-of-credit load scenario. Clients, each an importer of their own, start,
 * complete and submit applications as fast as they are decided: half of USD 9,000 (auto-approved once
 * Compliance and Customer Onboarding have checked them: the whole pipeline of messages, the saga and its
 * command), half of USD 20,000 (approved by trade finance at once). Prints applications decided per second
 * and the submit → approved latency of the automatic ones, per infrastructure, against LC Application
 * Processing's own command throughput measured in the same run (starts per second, no messages) as the
 * baseline. Fails when an application is not decided, or decided twice.
 */
const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'embedded,nats' },
    clients: { type: 'string', default: '4' },
    duration: { type: 'string', default: '30' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const clients = Number(values.clients);
const durationMs = Number(values.duration) * 1000;
const PREFIX = '/letters-of-credit/api';
const AUTO = 9_000;
const MANUAL = 20_000;

interface Decided {
  readonly auto: boolean;
  readonly latencyMs: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** An importer with a credit line of USD 1,000,000. */
async function importer(api: SystemClient): Promise<Login> {
  const login = { username: `bench-${randomUUID().slice(0, 12)}`, password: randomUUID() };
  const { id } = succeeded(
    await api.call('anonymous', 'POST', `${PREFIX}/onboarding/applicants`, {
      ...login,
      name: 'Bench Imports',
    }),
  );
  succeeded(
    await api.call('operator', 'PUT', `${PREFIX}/onboarding/applicants/${id}/credit-line`, {
      amount: 1_000_000,
      currency: 'USD',
    }),
  );
  return login;
}

/** One application from start to decision; answers how it was decided and how long the decision took. */
async function oneApplication(
  api: SystemClient,
  who: Login,
  productId: string,
  auto: boolean,
): Promise<Decided> {
  const { id } = succeeded(
    await api.call(who, 'POST', `${PREFIX}/lc-applications/start-new`, { clientReference: 'Bench LC' }),
  );
  const task = async (name: string, body: unknown) =>
    succeeded(await api.call(who, 'POST', `${PREFIX}/lc-applications/${id}/${name}`, body));
  await task('change-amount', { amount: auto ? AUTO : MANUAL, currency: 'USD' });
  await task('change-merchandise', { items: [{ productId, quantity: auto ? 1 : 2 }] });
  await task('change-beneficiary', {
    name: 'Wakanda Vibranium Exports',
    address: { lines: ['1 Palace Road'], city: 'Birnin Zana', country: 'XW' },
  });
  const submittedAt = performance.now();
  await task('submit', undefined);
  if (!auto) {
    succeeded(await api.call('operator', 'POST', `${PREFIX}/lc-applications/${id}/approve`));
    return { auto, latencyMs: performance.now() - submittedAt };
  }
  // The client's view: it reads its application until it is decided (as a page would, without the live feed).
  const deadline = performance.now() + 60_000;
  for (;;) {
    const { status } = succeeded(await api.call(who, 'GET', `${PREFIX}/lc-applications/${id}`));
    if (status === 'approved') return { auto, latencyMs: performance.now() - submittedAt };
    if (status !== 'submitted')
      throw new Error(`application ${id} was ${status}, not approved automatically`);
    if (performance.now() > deadline) throw new Error(`application ${id} was not decided within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The baseline of the same run: drafts started per second by the same clients (one command, no messages). */
async function baseline(api: SystemClient, logins: Login[], ms: number): Promise<number> {
  let started = 0;
  const until = performance.now() + ms;
  await Promise.all(
    logins.map(async (who) => {
      while (performance.now() < until) {
        succeeded(
          await api.call(who, 'POST', `${PREFIX}/lc-applications/start-new`, { clientReference: 'Base LC' }),
        );
        started++;
      }
    }),
  );
  return started / (ms / 1000);
}

async function benchTarget(profile: SystemProfile) {
  say(`[${profile}] starting letters of credit...`);
  const system: RunningSystem = await startSystem({
    application: lettersOfCredit,
    profile,
    entry: 'apps/main.ts',
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: { LOG_LEVEL: 'warn' },
  });
  try {
    const api = systemClient(system);
    const productId = randomUUID();
    succeeded(
      await api.call('operator', 'PUT', `${PREFIX}/compliance/products/${productId}`, {
        name: 'Coffee beans',
        category: 'coffee',
        referencePrice: 10_000,
      }),
    );
    const logins = await Promise.all(Array.from({ length: clients }, () => importer(api)));
    // The sanctions list reaches LC Application Processing shortly after a start: one application first.
    for (let attempt = 0; ; attempt++) {
      try {
        await oneApplication(api, logins[0]!, productId, false);
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const startsPerSecond = await baseline(api, logins, 5_000);
    say(
      `[${profile}] baseline: ${startsPerSecond.toFixed(1)} drafts started/s; load: ${clients} clients for ${durationMs / 1000} s...`,
    );
    const decided: Decided[] = [];
    const began = performance.now();
    const until = began + durationMs;
    let lastLine = began;
    await Promise.all(
      logins.map(async (who, client) => {
        for (let n = client; performance.now() < until; n++) {
          decided.push(await oneApplication(api, who, productId, n % 2 === 0));
          if (performance.now() - lastLine > 10_000) {
            lastLine = performance.now();
            say(`[${profile}]   ${((lastLine - began) / 1000).toFixed(0)} s: ${decided.length} decided`);
          }
        }
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    const auto = decided.filter((one) => one.auto).map((one) => one.latencyMs);
    return {
      profile,
      decidedPerSecond: decided.length / seconds,
      automatic: auto.length,
      p50: percentile(auto, 50),
      p99: percentile(auto, 99),
      startsPerSecond,
    };
  } finally {
    await system.stop();
  }
}

const results = [];
for (const target of values.targets.split(',')) results.push(await benchTarget(target as SystemProfile));
say('');
say(
  'target     decided/s  auto-approved  submit→approved p50  p99      baseline starts/s  decided per start',
);
for (const r of results) {
  say(
    `${r.profile.padEnd(10)} ${r.decidedPerSecond.toFixed(2).padStart(9)}  ${String(r.automatic).padStart(13)}  ${`${r.p50.toFixed(0)} ms`.padStart(19)}  ${`${r.p99.toFixed(0)} ms`.padStart(7)}  ${r.startsPerSecond.toFixed(1).padStart(17)}  ${(r.decidedPerSecond / r.startsPerSecond).toFixed(3).padStart(17)}`,
  );
}
