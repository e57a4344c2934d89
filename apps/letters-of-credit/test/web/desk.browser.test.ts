import type { Login, RunningSystem } from '@tessera/platform/testing';
import {
  cuttableNetwork,
  expectAccessible,
  LAPTOP,
  newPage,
  openBrowser,
  screenshot,
} from '@tessera/web/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Bank,
  expectHeading,
  logIn,
  markWindow,
  rowsOf,
  startLettersOfCredit,
  stillSameWindow,
  WAIT,
} from './support.js';

const DESK = '/letters-of-credit/desk/';

/**
 * The trade-finance desk (spec §3.3, §4.5): its queues follow the read model live (ADR 0029), so a submitted
 * application arrives, changes and leaves without a reload, and a dropped connection resumes losing nothing;
 * a manager approves or declines with the links the application gives; reminders and past due show as they
 * come (a day is a second here).
 */
describe('Letters of credit: the trade-finance desk', () => {
  let system: RunningSystem;
  let browser: Browser;
  let bank: Bank;
  let manager: Login;
  let importer: Login;
  let product: string;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startLettersOfCredit(), openBrowser()]);
    bank = new Bank(system);
    [manager, importer, product] = await Promise.all([
      bank.tradeFinanceManager(),
      bank.importer('Shuri'),
      bank.product('Vibranium ore'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** The desk's first screen, logged in and following its queue. */
  async function openDesk(baseUrl = system.baseUrl): Promise<Page> {
    const page = await newPage(browser, baseUrl, LAPTOP);
    await page.goto(DESK);
    await expectHeading(page, 'Trade finance: log in');
    await logIn(page, manager);
    await expectHeading(page, 'Pending approval');
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor(WAIT);
    return page;
  }

  const reference = (name: string) => `${name} ${crypto.randomUUID().slice(0, 6)}`;

  it("is linked from the landing page with the importers' page, and is not an importer's", async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto('/');
    await page.getByRole('link', { name: /^Importers/ }).click();
    await expectHeading(page, 'Importers: log in');
    await page.goto('/');
    await page.getByRole('link', { name: /^Trade-finance desk/ }).click();
    await expectHeading(page, 'Trade finance: log in');
    await expectAccessible(page, 'the desk, logging in');
    await logIn(page, importer);
    await expectHeading(page, 'Not a trade-finance account');
    expect(await page.getByRole('table').count()).toBe(0);
  });

  it('sees a submitted application arrive live, approves it, declines another, and the queue follows', async () => {
    const queue = await openDesk();
    await markWindow(queue);
    const first = reference('Vibranium ore');
    const second = reference('Arc reactors');
    const firstId = await bank.submitted(importer, first, product);
    await rowsOf(queue, first).waitFor(WAIT);
    const secondId = await bank.submitted(importer, second, product, 240_000);
    await rowsOf(queue, second).waitFor(WAIT);
    expect(await stillSameWindow(queue), 'the queue changed without a reload').toBe(true);
    await expectAccessible(queue, 'the pending approval queue');
    await screenshot(queue, 'lc-desk-queue');

    // Decided in another tab: the queue drops what left it, live.
    const detail = await queue.context().newPage();
    await detail.goto(`${DESK}applications/${firstId}`);
    await expectHeading(detail, `LC application ${first}`);
    await detail.getByRole('heading', { name: 'Checks' }).waitFor(WAIT);
    // Why a check went against it is what the manager weighs: the importer has no credit line yet.
    await detail.getByText('the applicant has no credit line yet').waitFor(WAIT);
    await expectAccessible(detail, 'an application on the desk');
    await screenshot(detail, 'lc-desk-application');
    await detail.getByRole('button', { name: 'Approve' }).click();
    await detail.getByText('Approved: LC Issuance issues its letter of credit.').waitFor(WAIT);
    await expect.poll(() => detail.getByRole('button', { name: 'Approve' }).count(), WAIT).toBe(0);
    await expect.poll(() => rowsOf(queue, first).count(), WAIT).toBe(0);

    await detail.goto(`${DESK}applications/${secondId}`);
    await expectHeading(detail, `LC application ${second}`);
    await detail.getByLabel('Reason for declining (optional)').fill('The beneficiary is unknown to us');
    await detail.getByRole('button', { name: 'Decline' }).click();
    await detail.getByText('Declined.').waitFor(WAIT);
    await expect.poll(() => detail.getByRole('button', { name: 'Decline' }).count(), WAIT).toBe(0);
    await expect.poll(() => rowsOf(queue, second).count(), WAIT).toBe(0);
    expect(await stillSameWindow(queue)).toBe(true);

    // The approved one is in the approved queue, for issuance.
    await queue.getByRole('link', { name: 'Approved' }).click();
    await expectHeading(queue, 'Approved, for issuance');
    await rowsOf(queue, first).waitFor(WAIT);
    expect(await rowsOf(queue, second).count()).toBe(0);
  }, 120_000);

  it('resumes after the connection drops, showing what changed meanwhile once', async () => {
    const route = await cuttableNetwork(system.baseUrl);
    try {
      const queue = await openDesk(route.url);
      await markWindow(queue);
      const before = reference('Before the drop');
      await bank.submitted(importer, before, product);
      await rowsOf(queue, before).waitFor(WAIT);

      // The network drops: the open stream ends, and the browser knows it is offline.
      route.cut();
      await queue.context().setOffline(true);
      await queue.getByRole('status').filter({ hasText: 'Reconnecting…' }).waitFor(WAIT);
      const during = reference('During the drop');
      await bank.submitted(importer, during, product);
      expect(await rowsOf(queue, during).count(), 'nothing arrives while offline').toBe(0);

      route.restore();
      await queue.context().setOffline(false);
      await rowsOf(queue, during).waitFor(WAIT);
      await queue
        .getByRole('status')
        .filter({ hasText: /^Live$/ })
        .waitFor(WAIT);
      expect(await rowsOf(queue, during).count(), 'shown once').toBe(1);
      expect(await rowsOf(queue, before).count(), 'still shown once').toBe(1);
      expect(await stillSameWindow(queue), 'resumed without a reload').toBe(true);
    } finally {
      await route.close();
    }
  }, 120_000);

  it('shows the reminders of day 10 and 20, then past due on day 30, as they come', async () => {
    const queue = await openDesk();
    const waiting = reference('Shield paint');
    await bank.submitted(importer, waiting, product);
    const row = rowsOf(queue, waiting);
    await row.waitFor(WAIT);
    await row.getByText('1 reminder sent').waitFor(WAIT);
    await row.getByText('2 reminders sent').waitFor(WAIT);
    await row.getByText('Past due').waitFor(WAIT);
    expect(await row.getByText('2 reminders sent').count(), 'past due after two reminders').toBe(1);
    await expectAccessible(queue, 'a queue with reminders and past due');
    await screenshot(queue, 'lc-desk-past-due');
  }, 120_000);
});
