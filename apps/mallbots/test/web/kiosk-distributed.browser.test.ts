import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type RunningSystem, startSystem } from '@tessera/platform/testing';
import { expectAccessible, KIOSK, newPage, openBrowser } from '@tessera/web/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mallbots } from '../../src/app.js';
import {
  fillBasket,
  heading,
  type Mall,
  orderStatus,
  payAndCheckOut,
  reads,
  register,
  seedMall,
} from './kiosk-journey.js';

const LONG = { timeout: 90_000 };

/**
 * The kiosk's core journey on the distributed topology: the gateway serves the page, every module is a
 * process of its own (Ordering asks Baskets over HTTP about an order being placed), the robots are a process
 * of their own, and the order's live updates come through the gateway from Search's process.
 */
describe('the MallBots kiosk, distributed', () => {
  let system: RunningSystem;
  let browser: Browser;
  let mall: Mall;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({
        application: mallbots,
        profile: 'distributed',
        entry: 'apps/main.ts',
        cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
        env: { ROBOTS: '2', ROBOTS_STEP_MS: '300', ROBOTS_UNAVAILABLE_RATE: '0' },
      }),
      openBrowser(),
    ]);
    mall = await seedMall(system);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('registers, shops, pays, checks out and watches the order reach ready, live, through the gateway', async () => {
    const page = await newPage(browser, system.baseUrl, KIOSK);
    await register(page, {
      name: 'Dana Distributed',
      username: `dana.${randomUUID().slice(0, 8)}`,
      password: 'a long distributed password',
    });
    await fillBasket(page, mall, [
      [mall.storeName, 'Lamp'],
      [mall.otherStoreName, 'Mug'],
    ]);
    const orderId = await payAndCheckOut(page, '$15.50');
    await page.evaluate(() => {
      (globalThis as unknown as { kioskMark: string }).kioskMark = 'no reload';
    });
    await reads(orderStatus(page), LONG).toBe('Ready for pickup');
    await reads(page.locator('.kiosk-total')).toBe('Total to pay: $15.50');
    const stops = page.getByRole('region', { name: 'Shopping list' }).locator('.kiosk-stops > li .tw-badge');
    expect(await stops.allTextContents()).toEqual(['done', 'done']);
    await page.getByRole('button', { name: 'Pay $15.50 at pickup' }).waitFor(LONG);
    expect(await page.evaluate(() => (globalThis as unknown as { kioskMark?: string }).kioskMark)).toBe(
      'no reload',
    );
    expect(new URL(page.url()).pathname).toBe(`/kiosk/orders/${orderId}`);
    await expectAccessible(page, 'a ready order, distributed');
    await reads(heading(page)).toBe('Your order');
  }, 240_000);
});
