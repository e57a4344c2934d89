import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type RunningSystem, startSystem, succeeded } from '@tessera/platform/testing';
import { expectAccessible, KIOSK, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coffeeco } from '../../src/app.js';
import {
  API,
  add,
  cardWhen,
  chargesFor,
  chooseCoffeeLover,
  freeDrinksText,
  heading,
  LOCATION,
  openTill,
  POLL,
  prepareTill,
  purchasesOf,
  receiptPurchaseId,
  registeredCoffeeLover,
  stampsText,
  type TillWorld,
} from './till-support.js';

const paid = (page: Page, sentence: string) => page.getByText(sentence, { exact: true }).waitFor();
const alertText = (page: Page) => page.getByRole('alert').textContent();

/**
 * CoffeeCo's till as a barista uses it, on the one-process system `npm start` runs: log in, choose the store,
 * the coffee lover (found or registered), ring up drinks at the store's prices with its discount, take card,
 * cash or CoffeeBux, and watch the loyalty card's stamps change. One purchase per sale, however it is sent.
 */
describe('CoffeeCo till', () => {
  let system: RunningSystem;
  let browser: Browser;
  let world: TillWorld;
  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({
        application: coffeeco,
        profile: 'embedded',
        entry: 'apps/main.ts',
        cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
        // The partner's flakiness is recommendations' concern, not the till's: off, so nothing here varies.
        env: { PARTNERSHIPS_FAILURE_RATE: '0' },
      }),
      openBrowser(),
    ]);
    world = await prepareTill(system);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('is linked from the landing page; a barista logs in and chooses the store, others are told it is not theirs', async () => {
    const page = await newPage(browser, system.baseUrl, KIOSK);
    await page.goto('/');
    await page.getByRole('link', { name: /^Till/ }).click();
    await expect.poll(() => heading(page), POLL).toBe('Barista login');
    await page.getByLabel('Username').fill(world.barista.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => alertText(page), POLL)
      .toBe('That username and password do not match. Please try again.');
    await expectAccessible(page, 'the till login with an error');
    await screenshot(page, 'coffeeco-till-login');

    await page.getByLabel('Password').fill(world.barista.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => heading(page), POLL).toBe('Choose your store');
    await page.getByRole('button', { name: LOCATION }).waitFor();
    await expectAccessible(page, 'the store picker');
    await screenshot(page, 'coffeeco-till-stores');
    await page.getByRole('button', { name: LOCATION }).click();
    await expect.poll(() => heading(page), POLL).toBe(`Till at ${LOCATION}`);
    // The till remembers its store: a reload opens the counter again.
    await page.reload();
    await expect.poll(() => heading(page), POLL).toBe(`Till at ${LOCATION}`);

    const lover = await registeredCoffeeLover(world);
    const stranger = await newPage(browser, system.baseUrl, LAPTOP);
    await stranger.goto('/coffeeco/till/');
    await stranger.getByLabel('Username').fill(lover.username);
    await stranger.getByLabel('Password').fill(lover.password);
    await stranger.getByRole('button', { name: 'Log in' }).click();
    await stranger.getByText('This till is for baristas.', { exact: false }).waitFor();
    expect(await stranger.getByRole('button', { name: /^Add / }).count()).toBe(0);
  });

  it('sells by card at the store’s prices, its discount as the server computes it, and stamps the card live', async () => {
    const lover = await registeredCoffeeLover(world);
    const page = await openTill(browser, world, KIOSK);
    await chooseCoffeeLover(page, lover);
    await page.getByText('No card at this store yet', { exact: false }).waitFor();
    await add(page, 'Latte', 3);
    await add(page, 'Espresso');
    // 3 × $3.35 + $2.50 = $12.55; 15% off is $1.88 (half-up), $10.67 to pay.
    await expect.poll(() => page.locator('.till-total dd').textContent(), POLL).toBe('$10.67');
    expect(await page.locator('.till-totals').textContent()).toBe(
      'Subtotal$12.55Store discount (15%)−$1.88Total$10.67',
    );
    await expectAccessible(page, 'the till with an order');
    await screenshot(page, 'coffeeco-till-order');

    await page.getByRole('button', { name: 'Take payment' }).click();
    await paid(page, 'Paid $10.67 by card.');
    // Loyalty stamps the card when the purchase's event reaches it: the card changes without a reload.
    await expect.poll(() => stampsText(page), POLL).toBe('4 of 10 stamps: 6 more drinks for a free one');
    await expectAccessible(page, 'the till after a card sale');
    await screenshot(page, 'coffeeco-till-paid');

    const purchaseId = await receiptPurchaseId(page);
    expect(await chargesFor(world, purchaseId)).toEqual([
      expect.objectContaining({ amount: { amount: 10.67, currency: 'USD' } }),
    ]);
    expect(await purchasesOf(world, lover.id)).toEqual([
      expect.objectContaining({
        id: purchaseId,
        status: 'completed',
        means: 'card',
        total: { amount: 10.67, currency: 'USD' },
      }),
    ]);
  });

  it('sells for cash to a walk-in customer, on a laptop, from the keyboard', async () => {
    const page = await openTill(browser, world, LAPTOP);
    const espresso = page.getByRole('button', { name: /^Add Espresso/ });
    await espresso.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('.till-total dd').textContent(), POLL).toBe('$4.25');
    await page.getByLabel('Card', { exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Cash').isChecked()).toBe(true);
    expect(await page.getByLabel('CoffeeBux (free drinks)').isDisabled()).toBe(true);
    await expectAccessible(page, 'the till on a laptop');
    await screenshot(page, 'coffeeco-till-laptop');
    await page.getByRole('button', { name: 'Take payment' }).focus();
    await page.keyboard.press('Enter');
    await paid(page, 'Paid $4.25 in cash.');
    const purchaseId = await receiptPurchaseId(page);
    const purchase = succeeded(
      await world.client.call('operator', 'GET', `${API}/coffee-shops/purchases/${purchaseId}`),
    );
    expect(purchase.purchase).toMatchObject({ status: 'completed', means: 'cash', total: { amount: 4.25 } });
    expect(purchase.purchase.coffeeLoverId).toBeUndefined();
    await page.getByRole('button', { name: 'Next sale' }).click();
    await page.getByText('Nothing yet: tap a drink to add it.').waitFor();
  });

  it('says a declined card as a sentence, in the person’s language, and another card then pays', async () => {
    const lover = await registeredCoffeeLover(world);
    const page = await openTill(browser, world, KIOSK);
    await chooseCoffeeLover(page, lover);
    await add(page, 'Flat white');
    await page
      .getByLabel("Card presented (the fake provider's test cards)")
      .selectOption('tok_chargeDeclined');
    await page.getByRole('button', { name: 'Take payment' }).click();
    await expect
      .poll(() => alertText(page), POLL)
      .toBe('The card was declined. Ask for another card or another way to pay.');
    const shown = (await page.locator('main').textContent()) ?? '';
    expect(shown).not.toMatch(/[{}]|card_declined|Payment Required/);
    await expectAccessible(page, 'the till with a declined card');
    await screenshot(page, 'coffeeco-till-declined');

    await page.getByLabel("Card presented (the fake provider's test cards)").selectOption('tok_visa');
    await page.getByRole('button', { name: 'Take payment' }).click();
    await paid(page, 'Paid $3.23 by card.');
    const purchases = await purchasesOf(world, lover.id);
    expect(purchases.map((purchase) => purchase.status).sort()).toEqual(['completed', 'failed']);

    // A Spanish-speaking barista reads the same refusal in Spanish.
    const spanish = await openTill(browser, world, { ...KIOSK, locale: 'es-ES' });
    await add(spanish, 'Latte');
    await spanish
      .getByLabel("Card presented (the fake provider's test cards)")
      .selectOption('tok_chargeDeclinedExpiredCard');
    await spanish.getByRole('button', { name: 'Take payment' }).click();
    await expect
      .poll(() => alertText(spanish), POLL)
      .toBe('La tarjeta ha caducado. Pida otra tarjeta u otra forma de pago.');
  });

  it('registers a coffee lover at the till, and their tenth coffee earns a free drink, the stamps shown', async () => {
    const page = await openTill(browser, world, KIOSK);
    const email = `grace.${randomUUID().slice(0, 8)}@example.com`;
    const taken = await registeredCoffeeLover(world, 'Someone');
    await page.getByRole('button', { name: 'Register a coffee lover' }).click();
    await page.getByLabel('First name').fill('Grace');
    await page.getByLabel('Last name').fill('Hopper');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Username').fill(taken.username);
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await page.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), POLL)
      .toBe('That username is taken. Please choose another.');
    await expectAccessible(page, 'the registration with a taken username');
    await page.getByLabel('Username').fill(`grace-${randomUUID().slice(0, 8)}`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByText('Grace Hopper', { exact: true }).waitFor();

    await add(page, 'Latte');
    await page.getByLabel('Cash').check();
    await page.getByRole('button', { name: 'Take payment' }).click();
    await paid(page, 'Paid $2.85 in cash.');
    await expect.poll(() => stampsText(page), POLL).toBe('1 of 10 stamps: 9 more drinks for a free one');
    expect(await page.locator('.till-stamp-on').count()).toBe(1);

    await page.getByRole('button', { name: 'Next sale' }).click();
    await chooseCoffeeLover(page, { email, name: 'Grace Hopper' });
    await expect.poll(() => stampsText(page), POLL).toBe('1 of 10 stamps: 9 more drinks for a free one');
    await add(page, 'Latte', 9);
    await page.getByRole('button', { name: 'Take payment' }).click();
    await paid(page, 'Paid $25.63 by card.');
    expect(await page.getByRole('list', { name: 'Drinks sold' }).textContent()).toBe('Latte × 9$30.15');
    // The tenth drink: a free drink, and the card starts again at ten to go.
    await expect.poll(() => freeDrinksText(page), POLL).toBe('Free drinks: 1');
    expect(await stampsText(page)).toBe('0 of 10 stamps: 10 more drinks for a free one');
    await expectAccessible(page, 'the card with a free drink');
    await screenshot(page, 'coffeeco-till-free-drink');
  });

  it('pays with CoffeeBux, and says when the card has not enough free drinks', async () => {
    const lover = await registeredCoffeeLover(world);
    // Ten coffees bought earlier: one free drink on the card.
    succeeded(
      await world.client.call('operator', 'PUT', `${API}/coffee-shops/purchases/${randomUUID()}`, {
        storeId: world.storeId,
        items: Array.from({ length: 10 }, () => 'Espresso'),
        means: 'card',
        cardToken: 'tok_visa',
        coffeeLoverId: lover.id,
      }),
    );
    await cardWhen(world, lover.id, (card) => card.freeDrinksAvailable === 1);

    const page = await openTill(browser, world, KIOSK);
    await chooseCoffeeLover(page, lover);
    await expect.poll(() => freeDrinksText(page), POLL).toBe('Free drinks: 1');
    await add(page, 'Flat white');
    await page.getByLabel('CoffeeBux (free drinks)').check();
    await expect.poll(() => page.locator('.till-total dd').textContent(), POLL).toBe('1 free drink');
    await page.getByText('This sale takes 1 free drink; the card has 1 free drink.').waitFor();
    await expectAccessible(page, 'a CoffeeBux payment');
    await screenshot(page, 'coffeeco-till-coffeebux');
    await page.getByRole('button', { name: 'Take payment' }).click();
    await paid(page, 'Paid with 1 free drink from the CoffeeBux card.');
    await expect.poll(() => freeDrinksText(page), POLL).toBe('Free drinks: 0');

    await page.getByRole('button', { name: 'Next sale' }).click();
    await chooseCoffeeLover(page, lover);
    await expect.poll(() => freeDrinksText(page), POLL).toBe('Free drinks: 0');
    await add(page, 'Latte');
    await page.getByLabel('CoffeeBux (free drinks)').check();
    await page.getByRole('button', { name: 'Take payment' }).click();
    await expect
      .poll(() => alertText(page), POLL)
      .toBe('The loyalty card does not have enough free drinks for this sale. Take another way to pay.');
  });

  it('buys once when the payment is submitted twice at once', async () => {
    const lover = await registeredCoffeeLover(world);
    const page = await openTill(browser, world, KIOSK);
    await chooseCoffeeLover(page, lover);
    await add(page, 'Latte', 2);
    await expect.poll(() => page.locator('.till-total dd').textContent(), POLL).toBe('$5.70');
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    // Two taps before the page can answer the first: both reach the button's handler.
    await page.getByRole('button', { name: 'Take payment' }).evaluate((button) => {
      const tap = button as unknown as { click(): void };
      tap.click();
      tap.click();
    });
    await paid(page, 'Paid $5.70 by card.');
    const purchaseId = await receiptPurchaseId(page);
    // The page sends it once; had it sent it twice, the same id would still be one purchase (the next test).
    expect(puts).toEqual([expect.stringContaining(purchaseId)]);
    expect(await chargesFor(world, purchaseId)).toHaveLength(1);
    expect(await purchasesOf(world, lover.id)).toHaveLength(1);
    await expect.poll(() => stampsText(page), POLL).toBe('2 of 10 stamps: 8 more drinks for a free one');
  });

  it('buys once when the answer is lost and the barista tries again', async () => {
    const lover = await registeredCoffeeLover(world);
    const page = await openTill(browser, world, KIOSK);
    await chooseCoffeeLover(page, lover);
    await add(page, 'Latte', 2);
    await expect.poll(() => page.locator('.till-total dd').textContent(), POLL).toBe('$5.70');
    // The request reaches the server and is paid; its answer never reaches the till.
    const sent: string[] = [];
    await page.route('**/coffeeco/api/coffee-shops/purchases/*', async (route) => {
      sent.push(route.request().url());
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Take payment' }).click();
    await expect
      .poll(() => alertText(page), POLL)
      .toBe('We cannot reach the server. Check the connection and try again.');
    // Until the outcome is known, the sale cannot change: only the same payment may be sent again.
    expect(await page.getByRole('button', { name: /^Add Latte/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Another coffee lover' }).count()).toBe(0);
    await expectAccessible(page, 'a payment whose answer was lost');

    await page.unroute('**/coffeeco/api/coffee-shops/purchases/*');
    await page.getByRole('button', { name: 'Try again' }).click();
    await paid(page, 'Paid $5.70 by card.');
    const purchaseId = await receiptPurchaseId(page);
    expect(sent).toEqual([expect.stringContaining(purchaseId)]);
    expect(await chargesFor(world, purchaseId)).toHaveLength(1);
    expect(await purchasesOf(world, lover.id)).toEqual([expect.objectContaining({ id: purchaseId })]);
    await expect.poll(() => stampsText(page), POLL).toBe('2 of 10 stamps: 8 more drinks for a free one');
  });
});
