import { fileURLToPath } from 'node:url';
import {
  type Login,
  type RunningSystem,
  type SystemClient,
  startSystem,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { lettersOfCredit } from '../../src/app.js';

export const API = '/letters-of-credit/api';

/**
 * How long a journey waits for what it expects to appear: registering hashes a password, a live update
 * follows a projection, on a machine shared by other runs.
 */
export const WAIT = { timeout: 20_000 };

/**
 * A day of the bank's calendar in these journeys (LC_DAY_MS): a second, so the reminders of day 10 and 20
 * come 10 and 20 s after a submit, and past due at 30 s: watched on the desk's queue as they happen, each
 * shown for long enough to be seen on a busy machine.
 */
export const DAY_MS = 1000;

/** The one-process system as `npm start` runs it, with letters of credit only. */
export function startLettersOfCredit(): Promise<RunningSystem> {
  return startSystem({
    application: lettersOfCredit,
    profile: 'embedded',
    entry: 'apps/main.ts',
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    env: { LC_DAY_MS: String(DAY_MS) },
  });
}

/** The people and products a run needs, made through the API as the bank's operator would. */
export class Bank {
  readonly client: SystemClient;
  constructor(readonly system: RunningSystem) {
    this.client = systemClient(system);
  }

  /** A trade-finance manager's account, opened by the operator. */
  tradeFinanceManager(): Promise<Login> {
    return this.client.openAccount({
      subject: `trade-finance-${crypto.randomUUID().slice(0, 8)}`,
      roles: ['trade-finance-manager'],
    });
  }

  /** Registers a product in the register (as an analyst would), and answers its id. */
  async product(name: string, category = 'textiles'): Promise<string> {
    const id = crypto.randomUUID();
    succeeded(
      await this.client.call('operator', 'PUT', `${API}/compliance/products/${id}`, { name, category }),
    );
    return id;
  }

  /** An importer registered with the bank, as they register themselves. */
  async importer(name: string): Promise<Login> {
    const login = { username: `importer.${crypto.randomUUID().slice(0, 8)}`, password: crypto.randomUUID() };
    succeeded(
      await this.client.call('anonymous', 'POST', `${API}/onboarding/applicants`, { ...login, name }),
    );
    return login;
  }

  /** A new draft of the importer's, started through the API. */
  async draft(importer: Login, clientReference: string): Promise<string> {
    const { id } = succeeded(
      await this.client.call(importer, 'POST', `${API}/lc-applications/start-new`, { clientReference }),
    );
    return id;
  }

  /** An importer's application drafted and submitted through the API: what arrives in the desk's queues. */
  async submitted(importer: Login, clientReference: string, productId: string, amount = 125_000) {
    const call = async (path: string, body?: object) =>
      succeeded(await this.client.callWhenAvailable(importer, 'POST', `${API}/lc-applications${path}`, body));
    const id = await this.draft(importer, clientReference);
    await call(`/${id}/change-amount`, { amount, currency: 'USD' });
    await call(`/${id}/change-merchandise`, { items: [{ productId, quantity: 10 }] });
    await call(`/${id}/submit`);
    return id as string;
  }
}

/** Waits for the page's main heading to say `title`. */
export async function expectHeading(page: Page, title: string) {
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toBe(title);
}

/**
 * What a screen reader announces as an input's error: the text of the elements its aria-describedby names
 * that are errors (hints are described too), once it is marked invalid.
 */
export async function errorNextTo(page: Page, label: string): Promise<string | undefined> {
  const input = page.getByLabel(label, { exact: true });
  if ((await input.getAttribute('aria-invalid')) !== 'true') return undefined;
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  for (const id of ids) {
    const described = page.locator(`[id="${id}"]`);
    if ((await described.getAttribute('class'))?.includes('tw-error'))
      return (await described.textContent()) ?? '';
  }
  return undefined;
}

/** Logs in on a page's login form. */
export async function logIn(page: Page, login: Login) {
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Marks the page's window, so that a test can tell later that nothing reloaded it. */
export async function markWindow(page: Page) {
  await page.evaluate(() => {
    (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
  });
}

export const stillSameWindow = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded === true);

/** The rows of the queue's table whose reference is this one (a person would count them). */
export const rowsOf = (page: Page, reference: string) =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name: reference, exact: true }) });
