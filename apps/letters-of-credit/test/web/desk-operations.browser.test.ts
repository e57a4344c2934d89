import type { Login, RunningSystem } from '@tessera/platform/testing';
import { expectAccessible, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bank, expectHeading, logIn, startLettersOfCredit, WAIT } from './support.js';

const DESK = '/letters-of-credit/desk/';

/**
 * The platform's operators' screens (ADR 0041) mounted in the letters-of-credit desk: the same components as
 * MallBots' console, showing this application's sagas and projections, for operators only.
 */
describe('Letters of credit: the operators’ screens on the desk', () => {
  let system: RunningSystem;
  let browser: Browser;
  let manager: Login;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startLettersOfCredit(), openBrowser()]);
    manager = await new Bank(system).tradeFinanceManager();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it("shows an operator the application's projections and process managers, beside the queues", async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto(DESK);
    await logIn(page, system.operator);
    await expectHeading(page, 'Pending approval');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Projections', exact: true }).click();
    await expectHeading(page, 'Projections');
    for (const name of ['lc-applications.lc-view', 'lc-applications.summary']) {
      await page.getByRole('row', { name: new RegExp(name.replace('.', '\\.')) }).waitFor(WAIT);
    }
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor(WAIT);
    await expectAccessible(page, 'the desk’s projections');
    await screenshot(page, 'lc-desk-operations-projections');
    await nav.getByRole('link', { name: 'Sagas', exact: true }).click();
    await expectHeading(page, 'Sagas');
    await page
      .getByText(/^No instances\.$|^Instances, newest first/)
      .first()
      .waitFor(WAIT);
    await expectAccessible(page, 'the desk’s sagas');
  });

  it('keeps them from a trade-finance manager, in the navigation and at their address', async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto(DESK);
    await logIn(page, manager);
    await expectHeading(page, 'Pending approval');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Dead letters' }).count()).toBe(0);
    await page.goto(`${DESK}operations/dead-letters`);
    await expectHeading(page, 'Not here');
    await page.getByText("These screens are for the system's operators.").waitFor(WAIT);
  });
});
