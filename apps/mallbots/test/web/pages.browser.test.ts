import { fileURLToPath } from 'node:url';
import { type RunningSystem, startSystem } from '@tessera/platform/testing';
import { expectAccessible, KIOSK, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';

/**
 * The pages as a newcomer meets them after `npm start`: the landing page leads to each screen, each screen is
 * served at its address (and at any deeper one: the page routes itself), and a person logs in there.
 */
describe('MallBots web pages', () => {
  let system: RunningSystem;
  let browser: Browser;
  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({
        application: mallbots,
        profile: 'embedded',
        entry: 'apps/main.ts',
        cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
        env: { ROBOTS: '0' },
      }),
      openBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('links every screen from the landing page, and each opens', async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto('/');
    await expectAccessible(page, 'the landing page');
    await page.getByRole('link', { name: /^Kiosk/ }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Welcome to the mall');
    await page.goto('/');
    await page.getByRole('link', { name: /^Operations console/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Staff login');
  });

  it('serves a screen at a deeper address too, and its files with long caching', async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    const answer = await page.goto('/console/some/deeper/screen');
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['cache-control']).toBe('no-cache');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Staff login');
    const script = await page.locator('script[type=module]').getAttribute('src');
    const asset = await page.request.get(script!);
    expect(asset.status()).toBe(200);
    expect(asset.headers()['cache-control']).toContain('immutable');
    const missing = await page.request.get('/assets/no-such-file.js');
    expect(missing.status()).toBe(404);
  });

  it('says a wrong password as a sentence, and logs an operator in to the console', async () => {
    const page = await newPage(browser, system.baseUrl, KIOSK);
    await page.goto('/kiosk/');
    await page.getByLabel('Username').fill('nobody.here');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 })
      .toBe('That username and password do not match. Please try again.');
    await expectAccessible(page, 'the kiosk with an error');
    await screenshot(page, 'mallbots-kiosk-login');

    const console = await newPage(browser, system.baseUrl, LAPTOP);
    await console.goto('/console/');
    await console.getByLabel('Username').fill(system.operator.username);
    await console.getByLabel('Password').fill(system.operator.password);
    await console.keyboard.press('Enter');
    // A login hashes the password (about 0.2 s of CPU by design, longer on a busy machine): more than poll's 1 s.
    await expect
      .poll(() => console.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 })
      .toBe('Console');
    await console.getByRole('button', { name: 'Log out' }).waitFor();
    await expectAccessible(console, 'the console');
    await console.reload();
    await expect
      .poll(() => console.getByRole('heading', { level: 1 }).textContent(), {
        message: 'the session outlives a reload',
      })
      .toBe('Console');
  });
});
