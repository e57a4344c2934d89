import { randomUUID } from 'node:crypto';
import {
  eventually,
  type Login,
  type RunningSystem,
  type SystemClient,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import { KIOSK, newPage } from '@tessera/web/testing';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';

export const API = '/coffeeco/api';
/** How long a journey waits for what a person waits for (a login hashes a password; Loyalty stamps a moment later). */
export const POLL = { timeout: 15_000 };
/** The system is the file's own, so the store's name need not be unique. */
export const LOCATION = 'Seattle, Pike Place';

/** What the journeys need of the running system: its staff, its store, and the operator's view of it. */
export interface TillWorld {
  readonly system: RunningSystem;
  readonly client: SystemClient;
  readonly barista: Login;
  readonly storeId: string;
}

/**
 * A store manager opens the store the till stands in (15% off: three lattes and an espresso are $12.55, $10.67
 * after the discount), and the operator gives a barista their account, as staff get theirs.
 */
export async function prepareTill(system: RunningSystem): Promise<TillWorld> {
  const client = systemClient(system);
  const [barista, manager] = await Promise.all([
    client.openAccount({ subject: 'staff:till-barista', roles: ['barista'] }),
    client.openAccount({ subject: 'staff:till-manager', roles: ['store-manager'] }),
  ]);
  const { id: storeId } = succeeded(
    await client.call(manager, 'POST', `${API}/coffee-shops/stores`, { location: LOCATION }),
  );
  succeeded(
    await client.call(manager, 'PUT', `${API}/coffee-shops/stores/${storeId}/products`, {
      products: [
        { itemName: 'Latte', basePrice: { amount: 3.35, currency: 'USD' } },
        { itemName: 'Espresso', basePrice: { amount: 2.5, currency: 'USD' } },
        { itemName: 'Flat white', basePrice: { amount: 3.8, currency: 'USD' } },
      ],
    }),
  );
  succeeded(
    await client.call(manager, 'PUT', `${API}/coffee-shops/stores/${storeId}/discount`, { percent: 15 }),
  );
  return { system, client, barista, storeId };
}

/** A coffee lover who registered themselves: their id, email address, name and login. */
export async function registeredCoffeeLover(world: TillWorld, firstName = 'Ada') {
  const email = `${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.com`;
  const login = { username: `lover-${randomUUID().slice(0, 8)}`, password: 'a long enough password' };
  const { id } = succeeded(
    await world.client.call('anonymous', 'POST', `${API}/coffee-shops/coffee-lovers`, {
      firstName,
      lastName: 'Lovelace',
      email,
      ...login,
    }),
  );
  return { id: id as string, email, name: `${firstName} Lovelace`, ...login };
}

/** The till on a screen, its barista logged in at its store. */
export async function openTill(
  browser: Browser,
  world: TillWorld,
  screen: BrowserContextOptions = KIOSK,
): Promise<Page> {
  const page = await newPage(browser, world.system.baseUrl, screen);
  await page.goto('/coffeeco/till/');
  await page.getByLabel('Username').fill(world.barista.username);
  await page.getByLabel('Password').fill(world.barista.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: LOCATION }).click();
  await expect.poll(() => heading(page), POLL).toBe(`Till at ${LOCATION}`);
  return page;
}

export const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** The barista looks the coffee lover up by the address they give. */
export async function chooseCoffeeLover(page: Page, coffeeLover: { email: string; name: string }) {
  await page.getByLabel('Their email address').fill(coffeeLover.email);
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByText(coffeeLover.name, { exact: true }).waitFor();
}

export async function add(page: Page, itemName: string, times = 1) {
  for (let n = 0; n < times; n++) {
    await page.getByRole('button', { name: new RegExp(`^Add ${itemName}`) }).click();
  }
}

/** The sentence the card shows for its stamps, as the customer reads it. */
export const stampsText = (page: Page) => page.locator('.till-stamps-text').textContent();
export const freeDrinksText = (page: Page) => page.locator('.till-free').textContent();

/** The purchase id the receipt shows. */
export async function receiptPurchaseId(page: Page): Promise<string> {
  const text = (await page.getByText(/^Purchase /).textContent()) ?? '';
  return text.replace('Purchase ', '');
}

/** What the operator sees of a coffee lover's purchases, and of the card provider's charges for one. */
export async function purchasesOf(world: TillWorld, coffeeLoverId: string) {
  return world.client.all<{ id: string; status: string; means: string; total: { amount: number } }>(
    'operator',
    `${API}/coffee-shops/coffee-lovers/${coffeeLoverId}/purchases`,
    'purchases',
  );
}

export async function chargesFor(world: TillWorld, purchaseId: string) {
  const { charges } = succeeded(
    await world.client.call(
      'operator',
      'GET',
      `${API}/coffee-shops/card-provider/charges?purchaseId=${purchaseId}`,
    ),
  );
  return charges as Array<{ amount: { amount: number } }>;
}

/** The coffee lover's card at the till's store, once Loyalty has stamped it as far as `until` says. */
export function cardWhen(
  world: TillWorld,
  coffeeLoverId: string,
  until: (card: { freeDrinksAvailable: number; drinksToGo: number }) => boolean,
) {
  return eventually(
    'the CoffeeBux card is stamped',
    async () =>
      (
        await world.client.all<{ storeId: string; freeDrinksAvailable: number; drinksToGo: number }>(
          'operator',
          `${API}/loyalty/cards?coffeeLoverId=${coffeeLoverId}`,
          'cards',
        )
      ).find((card) => card.storeId === world.storeId),
    (card) => card !== undefined && until(card),
  );
}
