import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type RunningSystem, startSystem, succeeded } from '@tessera/platform/testing';
import {
  type CuttableNetwork,
  cuttableNetwork,
  expectAccessible,
  KIOSK,
  LAPTOP,
  newPage,
  openBrowser,
  screenshot,
} from '@tessera/web/testing';
import type { Browser, Page } from 'playwright-core';
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
  steps,
} from './kiosk-journey.js';

const LONG = { timeout: 60_000 };
const SOON = { timeout: 15_000 };

/**
 * A customer at the kiosk, on the one-process system with its simulated robots (slowed down so that a person
 * can watch them, and never out of stock, so that the total is known): registers, shops two stores, swipes a
 * card, checks out, watches the robot shop stop by stop without reloading, loses the network and gets back
 * every change once, pays at pickup, reads the texts; cancels a second order at once; and reads an API
 * refusal as a sentence in Spanish.
 */
describe('the MallBots kiosk', () => {
  let system: RunningSystem;
  let browser: Browser;
  let mall: Mall;
  const person = {
    name: 'Kim Kiosk',
    username: `kim.${randomUUID().slice(0, 8)}`,
    password: 'a long kiosk password',
  };
  let page: Page;
  let orderId: string;
  let network: CuttableNetwork;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({
        application: mallbots,
        profile: 'embedded',
        entry: 'apps/main.ts',
        cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
        env: { ROBOTS: '2', ROBOTS_STEP_MS: '1200', ROBOTS_UNAVAILABLE_RATE: '0' },
      }),
      openBrowser(),
    ]);
    mall = await seedMall(system);
    // The kiosk reaches the system through a network the test can cut (a lost connection).
    network = await cuttableNetwork(system.baseUrl);
    page = await newPage(browser, network.url, KIOSK);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await network?.close();
    await system?.stop();
  });

  it('welcomes a newcomer, who registers and is logged in', async () => {
    await page.goto('/kiosk/');
    await reads(heading(page)).toBe('Welcome to the mall');
    await expectAccessible(page, 'the welcome');
    await screenshot(page, 'mallbots-kiosk-welcome');
    await page.getByRole('link', { name: 'Register' }).click();
    await reads(heading(page)).toBe('Register');
    await expectAccessible(page, 'registering');
    await register(page, person);
    await expect.poll(() => page.getByRole('button', { name: 'Log out' }).isVisible(), SOON).toBe(true);
  }, 60_000);

  it('shows the participating stores and their products, and keeps a running total', async () => {
    await expect
      .poll(() => page.getByRole('link', { name: new RegExp(`^${mall.storeName}`) }).isVisible(), SOON)
      .toBe(true);
    await expectAccessible(page, 'the stores');
    await screenshot(page, 'mallbots-kiosk-stores');
    await fillBasket(page, mall, [
      [mall.storeName, 'Lamp'],
      [mall.otherStoreName, 'Vase'],
      [mall.otherStoreName, 'Vase'],
    ]);
    await expectAccessible(page, 'a store');
    await screenshot(page, 'mallbots-kiosk-store');
    await reads(page.getByRole('link', { name: /^Basket/ })).toBe('Basket (3) · $27.00');

    await page.getByRole('link', { name: /^Basket/ }).click();
    await reads(heading(page)).toBe('Your basket');
    await page.getByRole('button', { name: 'Remove one Vase' }).click();
    await reads(page.locator('.kiosk-total')).toBe('Total: $19.75');
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await fillBasket(page, mall, [[mall.otherStoreName, 'Mug']]);
    await page.getByRole('link', { name: /^Basket/ }).click();
    await reads(page.locator('.kiosk-total')).toBe('Total: $22.75');
    await expectAccessible(page, 'the basket');
    await screenshot(page, 'mallbots-kiosk-basket');
  }, 60_000);

  it('takes the card for the exact total, checks out, and shows the order move live, stop by stop, to ready', async () => {
    orderId = await payAndCheckOut(page, '$22.75');
    // Marked now: a reload would lose it, so it proves that what follows arrives live.
    await page.evaluate(() => {
      (globalThis as unknown as { kioskMark: string }).kioskMark = 'no reload';
    });
    await reads(page.locator('.kiosk-total')).toBe('Total: $22.75');

    const stops = page.getByRole('region', { name: 'Shopping list' }).locator('.kiosk-stops > li');
    await expect.poll(() => stops.count(), LONG).toBe(2);
    await reads(stops.nth(0).getByRole('heading')).toMatch(new RegExp(`^Stop 1: ${mall.storeName}`));
    await reads(stops.nth(1).getByRole('heading')).toMatch(new RegExp(`^Stop 2: ${mall.otherStoreName}`));
    await reads(orderStatus(page), LONG).toBe('Being shopped');
    await expect
      .poll(() =>
        page
          .getByText(/^Robot /)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await expectAccessible(page, 'an order being shopped');
    await screenshot(page, 'mallbots-kiosk-order-shopping');
    // Stop by stop: the first is done while the second is still to do.
    await reads(stops.nth(0).locator('.tw-badge'), LONG).toBe('done');
    await reads(stops.nth(1).locator('.tw-badge')).toBe('to do');
    await reads(stops.nth(0).getByRole('listitem')).toBe('1 × Lamp: picked');

    await reads(orderStatus(page), LONG).toBe('Ready for pickup');
    await reads(stops.nth(1).locator('.tw-badge')).toBe('done');
    await reads(page.locator('.kiosk-total')).toBe('Total to pay: $22.75');
    await page.getByRole('button', { name: 'Pay $22.75 at pickup' }).waitFor(LONG);
    expect(await page.getByRole('button', { name: 'Cancel my order' }).count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { kioskMark?: string }).kioskMark)).toBe(
      'no reload',
    );
    await expectAccessible(page, 'a ready order');
    await screenshot(page, 'mallbots-kiosk-order-ready');
  }, 120_000);

  it('loses nothing across a lost connection: every change made meanwhile shows once', async () => {
    const before = await steps(page).allTextContents();
    const login = { username: person.username, password: person.password };
    network.cut();
    await page.context().setOffline(true);
    try {
      await reads(page.getByText(/^(Reconnecting…|Live)$/)).toBe('Reconnecting…');
      // Away: the invoice is paid at the depot's till (the customer's own login, through the API).
      succeeded(await mall.client.call(login, 'PUT', `/api/payments/invoices/${orderId}/pay`));
      await expect
        .poll(
          async () =>
            (await mall.client.call(login, 'GET', `/api/search/orders/${orderId}/tracking`)).body?.order
              ?.status,
          LONG,
        )
        .toBe('completed');
      expect(await orderStatus(page).textContent()).toBe('Ready for pickup');
    } finally {
      network.restore();
      await page.context().setOffline(false);
    }

    await reads(orderStatus(page), LONG).toBe('Picked up');
    await page.getByText('Paid. Thank you!').waitFor();
    await reads(page.getByText(/^(Reconnecting…|Live)$/)).toBe('Live');
    const after = await steps(page).allTextContents();
    const names = after.map((text) => text.replace(/\s*\d{1,2}:\d{2}:\d{2}.*$/, ''));
    expect(new Set(names).size).toBe(names.length);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(names.slice(before.length)).toEqual(['Paid', 'Picked up']);
    expect(await page.evaluate(() => (globalThis as unknown as { kioskMark?: string }).kioskMark)).toBe(
      'no reload',
    );
  }, 120_000);

  it('lists the customer’s orders and the texts they were sent', async () => {
    await page.getByRole('link', { name: 'My orders' }).click();
    await reads(heading(page)).toBe('My orders');
    await reads(page.locator('.tw-list > li').first().locator('.tw-badge')).toBe('Picked up');
    await expectAccessible(page, 'my orders');
    await screenshot(page, 'mallbots-kiosk-orders');

    await page.getByRole('link', { name: 'Texts' }).click();
    await reads(heading(page)).toBe('Texts we sent you');
    const texts = page.locator('.tw-list > li p');
    await expect
      .poll(async () => (await texts.allTextContents()).join('\n'), LONG)
      .toMatch(/ready for pickup/);
    expect((await texts.allTextContents()).join('\n')).toMatch(/Total to pay: \$22\.75/);
    expect((await texts.allTextContents()).join('\n')).toMatch(/received your order/);
    await expectAccessible(page, 'the texts');
    await screenshot(page, 'mallbots-kiosk-texts');
  }, 90_000);

  it('cancels an order right after checkout (while it is placed, or just received): never shopped, the card released', async () => {
    await fillBasket(page, mall, [[mall.storeName, 'Lamp']]);
    const id = await payAndCheckOut(page, '$12.50');
    // As soon as the page offers it: the order may still be being placed (Ordering has not made it yet).
    await page.getByRole('button', { name: 'Cancel my order' }).click();
    await reads(orderStatus(page), LONG).toBe('Canceled');
    await page.getByText('Your order is canceled.').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel my order' }).count()).toBe(0);
    await expectAccessible(page, 'a canceled order');

    const login = { username: person.username, password: person.password };
    const order = succeeded(await mall.client.call(login, 'GET', `/api/ordering/${id}`)).order;
    expect(order).toMatchObject({ status: 'canceled', canceledBy: 'customer', cancelable: false });
    await expect
      .poll(
        async () =>
          succeeded(await mall.client.call(login, 'GET', `/api/payments/${order.paymentId}`)).payment,
        LONG,
      )
      .toMatchObject({ voided: true, confirmed: false });
    await expect
      .poll(
        async () => (await mall.client.call(login, 'GET', `/api/search/orders/${id}/tracking`)).body?.order,
        LONG,
      )
      .toMatchObject({ status: 'canceled' });
    const { order: seen } = succeeded(
      await mall.client.call(login, 'GET', `/api/search/orders/${id}/tracking`),
    );
    const stepNames = seen.steps.map((step: { step: string }) => step.step);
    // Canceled while being placed, the order was never offered to the saga: no list was ever made for it.
    if (!stepNames.includes('received')) expect(seen.shoppingList).toBeUndefined();
    expect(stepNames).not.toContain('botReturned');

    await page.getByRole('link', { name: 'Texts' }).click();
    await expect
      .poll(async () => (await page.locator('.tw-list > li p').allTextContents()).join('\n'), LONG)
      .toMatch(/was canceled/);
  }, 90_000);

  it('logs a customer in on a laptop, who finds a past order as it ended', async () => {
    const laptop = await newPage(browser, system.baseUrl, LAPTOP);
    await laptop.goto('/kiosk/');
    await laptop.getByLabel('Username').fill(person.username);
    await laptop.getByLabel('Password').fill(person.password);
    await laptop.getByRole('button', { name: 'Log in' }).click();
    await reads(heading(laptop)).toBe('Participating stores');
    await laptop.goto(`/kiosk/orders/${orderId}`);
    await reads(orderStatus(laptop), LONG).toBe('Picked up');
    await reads(laptop.locator('.kiosk-total')).toBe('Total to pay: $22.75');
    await expectAccessible(laptop, 'a past order on a laptop');
    await screenshot(laptop, 'mallbots-kiosk-order-laptop');
  }, 60_000);

  it('says an API refusal as a sentence in the customer’s language, next to what to correct', async () => {
    const spanish = await newPage(browser, system.baseUrl, { ...LAPTOP, locale: 'es-ES' });
    await spanish.goto('/kiosk/register');
    await reads(heading(spanish)).toBe('Registro');
    await spanish.getByLabel('Su nombre').fill('Lola');
    await spanish.getByLabel('Número de móvil').fill('no es un número');
    await spanish.getByLabel('Usuario').fill(`lola.${randomUUID().slice(0, 8)}`);
    await spanish.getByLabel('Contraseña').fill('una contraseña larga');
    await spanish.getByRole('button', { name: 'Crear mi cuenta' }).click();
    // Above the form, what to do; next to the field (and announced with it), what is wrong.
    await reads(spanish.locator('.tw-alert'), LONG).toBe(
      'Algunos datos deben corregirse: vea los mensajes junto a ellos.',
    );
    const phone = spanish.getByLabel('Número de móvil');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    const described = await phone.getAttribute('aria-describedby');
    await reads(spanish.locator(`[id="${described!.split(' ').at(-1)}"]`)).toBe(
      'Ese número de móvil no parece correcto: use dígitos, con un + delante si quiere.',
    );
    expect(await spanish.locator('body').textContent()).not.toMatch(/[{}]|"code"/);
    await expectAccessible(spanish, 'a refused registration, in Spanish');
    await screenshot(spanish, 'mallbots-kiosk-register-error');
  }, 60_000);
});
