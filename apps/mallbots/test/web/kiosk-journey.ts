import { randomUUID } from 'node:crypto';
import { type RunningSystem, type SystemClient, succeeded, systemClient } from '@tessera/platform/testing';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The kiosk journey's shared steps, for the one-process system and the distributed one alike: what the mall
 * has (seeded by an operator through the API, as staff would), and what a customer does and reads.
 */

export interface Mall {
  readonly client: SystemClient;
  readonly storeName: string;
  readonly otherStoreName: string;
  readonly products: { readonly lamp: string; readonly vase: string; readonly mug: string };
}

/** Two participating stores and their products, made by the run's operator through the REST API. */
export async function seedMall(system: RunningSystem): Promise<Mall> {
  const client = systemClient(system);
  const suffix = randomUUID().slice(0, 6);
  const storeName = `Lumen ${suffix}`;
  const otherStoreName = `Potter ${suffix}`;
  const store = async (name: string, location: string) => {
    const { id } = succeeded(await client.call('operator', 'POST', '/api/stores', { name, location }));
    succeeded(await client.call('operator', 'PUT', `/api/stores/${id}/participating`));
    return id as string;
  };
  const product = async (storeId: string, name: string, price: number) =>
    succeeded(
      await client.callWhenAvailable('operator', 'POST', `/api/stores/${storeId}/products`, {
        name,
        description: `A fine ${name.toLowerCase()}`,
        sku: name.slice(0, 3).toUpperCase(),
        price,
      }),
    ).id as string;
  const lumen = await store(storeName, 'Level 1, east');
  const potter = await store(otherStoreName, 'Level 2, west');
  return {
    client,
    storeName,
    otherStoreName,
    products: {
      lamp: await product(lumen, 'Lamp', 12.5),
      vase: await product(potter, 'Vase', 7.25),
      mug: await product(potter, 'Mug', 3),
    },
  };
}

/**
 * Polls what a person reads until it is what is expected (never a sleep); 15 s unless told, for a machine
 * shared by several test runs (a login's password hash alone may take a second).
 */
export const reads = (locator: Locator, options: { timeout?: number } = {}) =>
  expect.poll(async () => (await locator.textContent({ timeout: 5_000 }))?.trim(), {
    timeout: 15_000,
    ...options,
  });

export const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/** Registers through the kiosk's own form and lands logged in on the stores. */
export async function register(page: Page, person: { name: string; username: string; password: string }) {
  await page.goto('/kiosk/');
  await page.getByRole('link', { name: 'Register' }).click();
  await reads(heading(page)).toBe('Register');
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Mobile number').fill('+1 555 0100');
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await reads(heading(page)).toBe('Participating stores');
}

/** From the stores, fills the basket: one touch per unit, the running total in the navigation. */
export async function fillBasket(
  page: Page,
  mall: Mall,
  lines: ReadonlyArray<[store: string, product: string]>,
) {
  for (const [store, product] of lines) {
    await page.getByRole('link', { name: 'Stores', exact: true }).click();
    await page.getByRole('link', { name: new RegExp(`^${store}`) }).click();
    await reads(heading(page)).toBe(store);
    await page.getByRole('button', { name: `Add ${product}` }).click();
    await reads(page.locator('.kiosk-status')).toBe(`${product} is in your basket.`);
  }
  void mall;
}

/** Swipes the card for the exact total and places the order; resolves with the order's id. */
export async function payAndCheckOut(page: Page, total: string): Promise<string> {
  await page.getByRole('link', { name: /^Basket/ }).click();
  await reads(heading(page)).toBe('Your basket');
  await page.getByRole('button', { name: `Swipe card for ${total}` }).click();
  await page.getByText(`Card accepted: ${total} is held until your order is ready.`).waitFor();
  await page.getByRole('button', { name: 'Place my order' }).click();
  await reads(heading(page)).toBe('Your order');
  const id = new URL(page.url()).pathname.split('/').at(-1)!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id;
}

/** The order's status as the page says it. */
export const orderStatus = (page: Page) => page.locator('.kiosk-order-status .tw-badge');

/** The order's steps, as listed. */
export const steps = (page: Page) =>
  page.getByRole('region', { name: 'What has happened' }).getByRole('listitem');
