import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { clientCredentialToken, remoteClients } from '@tessera/platform/identity';
import {
  type Answer,
  type Login,
  type Method,
  type RunningSystem,
  type SystemClient,
  startSystem,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import { expectAccessible, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Robot, type RobotApi, robotApi } from '../../features/support/robots.js';
import { mallbots } from '../../src/app.js';
import { checkOut, mallbotsClient } from '../cosec/support.js';

/**
 * The operations console as the mall's staff use it (issue 18): a store manager keeps a store and its
 * catalogue, depot staff watch a bot take a list live and cancel an order with a reason. The one-process
 * system as `npm start` runs it (no simulated robots: the test plays the robot through its own API).
 */
describe('the MallBots console for store managers and depot staff', () => {
  let system: RunningSystem;
  let client: SystemClient;
  let browser: Browser;
  let robots: RobotApi;
  let manager: Login;
  let staff: Login;

  /** The REST API as the operator, in the shape the saga tests' helpers take. */
  const asOperator = async (method: Method, url: string, body?: unknown): Promise<Answer> => {
    const reply = await client.call('operator', method, url, body);
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    return { statusCode: reply.status, headers: {}, body: text, json: () => JSON.parse(text) };
  };
  /** A staff login, as an operator opens one (ADR 0040). */
  const staffAccount = async (role: string): Promise<Login> => {
    const login = { username: `${role}.${randomUUID().slice(0, 6)}`, password: randomUUID() };
    const made = succeeded(
      await client.call('operator', 'POST', '/identity/staff', { ...login, roles: [role] }),
    );
    expect(made.roles).toEqual([role]);
    return login;
  };
  /** A robot of the fleet with its own credential, played by the test through the robots' API. */
  const robot = (name: string) => {
    const id = `console-${randomUUID().slice(0, 8)}`;
    let token: Promise<() => Promise<string>> | undefined;
    return new Robot(id, name, robots, async () => {
      token ??= remoteClients({ identityUrl: system.baseUrl, token: () => client.token('operator') })
        .credential(id, ['robot'])
        .then(({ clientId, clientSecret }) =>
          clientCredentialToken({ tokenUrl: `${system.baseUrl}/oauth/token`, clientId, clientSecret }),
        );
      return (await token)();
    });
  };

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
    client = systemClient(system);
    robots = robotApi(system.rpcUrl('depot'));
    staff = await staffAccount('depot-staff');
  }, 120_000);
  afterAll(async () => {
    robots?.close();
    await browser?.close();
    await system?.stop();
  });

  /** Waits for what a person would see: a login's password hashing and a saga's steps take their time. */
  const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 50 });
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const logIn = async (who: Login) => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto('/console/');
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await poll(
      async () => `${await heading(page)} ${(await page.getByRole('alert').allTextContents()).join(' ')}`,
    ).toBe('Console ');
    return page;
  };
  const go = (page: Page, entry: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: entry }).click();
  const menu = (page: Page) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  /** The message shown next to an input: what its aria-describedby names. */
  const errorNextTo = async (input: Locator) => {
    await poll(() => input.getAttribute('aria-invalid')).toBe('true');
    const ids = (await input.getAttribute('aria-describedby'))?.split(' ') ?? [];
    const texts = await Promise.all(ids.map((id) => input.page().locator(`[id="${id}"]`).textContent()));
    return texts.join(' ');
  };

  it("lets an operator open a store manager's login, every screen in the operator's menu", async () => {
    const page = await logIn(system.operator);
    expect(await menu(page)).toEqual(expect.arrayContaining(['Stores', 'Depot live', 'Orders', 'Staff']));
    await go(page, 'Staff');
    await poll(() => heading(page)).toBe('Staff logins');
    const opening = page.getByRole('form', { name: 'Open a staff login' });
    const login = { username: `sam.${randomUUID().slice(0, 6)}`, password: 'short' };
    await opening.getByLabel('Username').fill(login.username);
    await opening.getByLabel('First password').fill(login.password);
    await opening.getByLabel(/^Store manager/).check();
    await opening.getByRole('button', { name: 'Open the login' }).click();
    expect(await errorNextTo(opening.getByLabel('First password'))).toContain(
      'A password has 8 characters or more.',
    );
    login.password = randomUUID();
    await opening.getByLabel('First password').fill(login.password);
    await opening.getByRole('button', { name: 'Open the login' }).click();
    await page.getByText(`${login.username} can log in now.`).waitFor();
    await poll(() => page.getByRole('row', { name: new RegExp(login.username) }).textContent()).toContain(
      'store-manager',
    );
    await expectAccessible(page, 'the staff logins');
    await screenshot(page, 'mallbots-console-staff');
    manager = login;
  });

  it('lets a store manager open a store, fill its catalogue, change prices and let the bots shop there', async () => {
    const page = await logIn(manager);
    expect(await menu(page)).toEqual(['Stores']);
    await go(page, 'Stores');
    await poll(() => heading(page)).toBe('Stores');

    // A store with no name: the server's rule, next to the field it names.
    const opening = page.getByRole('form', { name: 'Open a store' });
    await opening.getByLabel('Location').fill('Level 3, east wing');
    await opening.getByRole('button', { name: 'Create store' }).click();
    expect(await errorNextTo(opening.getByLabel('Name'))).toBe('Give the store a name.');
    await opening.getByLabel('Name').fill('Cogs & Co');
    await opening.getByRole('button', { name: 'Create store' }).click();
    await poll(() => heading(page)).toBe('Store');
    await page.getByRole('heading', { name: 'Cogs & Co', level: 2 }).waitFor();

    // A product whose price breaks a rule: said next to the price, in words.
    const adding = page.getByRole('form', { name: 'Add a product' });
    await adding.getByLabel('Name').fill('Sprocket');
    await adding.getByLabel('Description').fill('A toothed wheel');
    await adding.getByLabel('SKU').fill('SPR-1');
    await adding.getByLabel('Price').fill('-2');
    await adding.getByRole('button', { name: 'Add product' }).click();
    expect(await errorNextTo(adding.getByLabel('Price'))).toContain('A price cannot be negative.');
    await expectAccessible(page, 'a store with a refused product');
    await adding.getByLabel('Price').fill('12.50');
    await adding.getByRole('button', { name: 'Add product' }).click();
    await adding.getByText('Sprocket is in the catalogue.').waitFor();
    const row = page.getByRole('row', { name: /Sprocket/ });
    await poll(() => row.textContent()).toContain('$12.50');

    // Prices up, then down.
    await page.getByRole('button', { name: 'Edit Sprocket' }).click();
    const repricing = page.getByRole('form', { name: 'Reprice Sprocket' });
    await repricing.getByLabel('New price').fill('15');
    await repricing.getByRole('button', { name: 'Change the price' }).click();
    await page.getByText('Sprocket now costs $15.00.').waitFor();
    await poll(() => row.textContent()).toContain('$15.00');
    await repricing.getByLabel('New price').fill('9.99');
    await repricing.getByRole('button', { name: 'Change the price' }).click();
    await poll(() => row.textContent()).toContain('$9.99');

    // A rebrand, and the bots may shop here.
    const renaming = page.getByRole('form', { name: 'Rename the store' });
    await renaming.getByLabel('Store name').fill('Cogs and Co');
    await renaming.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Cogs and Co', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Start automated shopping' }).click();
    await page.getByRole('button', { name: 'Stop automated shopping' }).waitFor();
    await expectAccessible(page, 'a store and its catalogue');
    await screenshot(page, 'mallbots-console-store');

    // What the API now says is what the page said.
    const storeId = page.url().split('/').at(-1)!;
    const store = succeeded(await client.call('operator', 'GET', `/api/stores/${storeId}`)).store;
    expect(store).toMatchObject({ name: 'Cogs and Co', location: 'Level 3, east wing', participating: true });
    const [product] = succeeded(
      await client.call('operator', 'GET', `/api/stores/${storeId}/products`),
    ).products;
    expect(product).toMatchObject({ name: 'Sprocket', sku: 'SPR-1', price: 9.99 });

    await page.getByRole('button', { name: 'Remove Sprocket' }).click();
    await page.getByText('Cogs and Co sells nothing through the bots yet.').waitFor();
    await page.getByRole('link', { name: 'All stores' }).click();
    await poll(() => page.getByRole('row', { name: /Cogs and Co/ }).textContent()).toContain('Takes part');
    await expectAccessible(page, 'the stores');
    await screenshot(page, 'mallbots-console-stores');

    // The depot is not the manager's: no menu entry, and its address says so in words.
    await page.goto('/console/depot');
    await page.getByText('There is no such screen, or your account may not see it.').waitFor();
  });

  it('shows depot staff a bot taking an order’s list live, stop by stop, without a reload', async () => {
    const mall = mallbotsClient(asOperator);
    const storeId = await mall.createStore('Bolt Barn', 'Level 1, west wing');
    const bolt = await mall.addProduct(storeId, 'Hex Bolt', 2.5);

    const page = await logIn(staff);
    expect(await menu(page)).toEqual(['Depot live', 'Orders']);
    await go(page, 'Depot live');
    await poll(() => heading(page)).toBe('Depot live');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    const robby = robot('Robby');
    await robby.connect();
    const botRow = page.getByRole('row', { name: new RegExp(robby.id) });
    await poll(() => botRow.textContent()).toContain('Idle');

    const customerId = await mall.registerCustomer();
    const { basketId } = await checkOut(mall, customerId, [[bolt, 3]]);
    const shop = await robby.instructed('shop');
    const card = page.locator(`[id="list-${shop.shoppingListId}"]`);
    await poll(() => card.textContent()).toContain('Assigned');
    expect(await card.textContent()).toContain(`bot ${robby.id}`);
    expect(await card.getByRole('row', { name: /Hex Bolt/ }).textContent()).toContain('Not yet');
    await poll(() => botRow.textContent()).toContain('Shopping');
    await expectAccessible(page, 'the depot live');
    await screenshot(page, 'mallbots-console-depot');

    await robby.reportItem(shop.shoppingListId, storeId, bolt, 'picked');
    await poll(() => card.getByRole('row', { name: /Hex Bolt/ }).textContent()).toContain('Picked');
    expect(await card.textContent()).toContain('Being shopped');
    await poll(() => botRow.textContent()).toContain('Returning');

    await robby.reportReturned(shop.shoppingListId);
    const finished = page.getByRole('region', { name: 'Finished since this page opened' });
    await poll(() => finished.locator(`[id="list-${shop.shoppingListId}"]`).textContent()).toContain(
      'Completed',
    );
    await poll(() => botRow.textContent()).toContain('Idle');
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const order = await mall.getOrder(basketId);
    expect(order?.status).toBe('ready');
    robby.disconnect();
  });

  it('moves an order across the live orders board, and lets depot staff cancel it with a reason', async () => {
    const mall = mallbotsClient(asOperator);
    const storeId = await mall.createStore('Nut Hut', 'Level 2');
    const nut = await mall.addProduct(storeId, 'Wing Nut', 1.25);
    const customerId = await mall.registerCustomer();

    // The board is open before the order exists: it arrives, and moves, without a reload.
    const page = await logIn(staff);
    await go(page, 'Orders');
    await poll(() => heading(page)).toBe('Orders');
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    const { basketId } = await checkOut(mall, customerId, [[nut, 2]]);
    await mall.settledOrder(basketId);
    const approved = page.getByRole('region', { name: /^Approved/ });
    const link = approved.getByRole('link', { name: `Order ${basketId.slice(0, 8)}` });
    await link.waitFor();
    expect(await page.getByRole('link', { name: `Order ${basketId.slice(0, 8)}` }).count()).toBe(1);
    expect(await approved.textContent()).toContain('2 items');
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await expectAccessible(page, 'the orders board');
    await screenshot(page, 'mallbots-console-orders');
    await link.click();
    await poll(() => heading(page)).toBe('Order');
    await page.getByRole('heading', { name: /Approved/, level: 2 }).waitFor();

    const cancel = page.getByRole('form', { name: 'Cancel this order' });
    await cancel.getByRole('button', { name: 'Cancel the order' }).click();
    expect(await errorNextTo(cancel.getByLabel('Reason'))).toContain('The reason cannot be blank.');
    await expectAccessible(page, 'an order with a refused cancel');
    await cancel.getByLabel('Reason').fill('The store closed early today');
    await cancel.getByRole('button', { name: 'Cancel the order' }).click();
    await page.getByRole('heading', { name: /Canceled/, level: 2 }).waitFor();
    await page.getByText('Canceled by the staff: The store closed early today').waitFor();
    expect(await page.getByRole('form', { name: 'Cancel this order' }).count()).toBe(0);
    await screenshot(page, 'mallbots-console-order');
    expect(await mall.getOrder(basketId)).toMatchObject({ status: 'canceled' });
    await page.getByRole('link', { name: 'All orders' }).click();
    await page
      .getByRole('region', { name: /^Canceled/ })
      .getByRole('link', { name: `Order ${basketId.slice(0, 8)}` })
      .waitFor();
    expect(await approved.getByRole('link', { name: `Order ${basketId.slice(0, 8)}` }).count()).toBe(0);
  });
});
