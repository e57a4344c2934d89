import { fileURLToPath } from 'node:url';
import {
  eventually,
  type RunningSystem,
  type SystemClient,
  startSystem,
  succeeded,
  systemClient,
} from '@tessera/platform/testing';
import { expectAccessible, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAGILE_GROUP, mallbotsUnderTest } from './support/operations-entry.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** An order placed through the API as the kiosk places one, left approved (no robots shop it). */
async function placeOrder(client: SystemClient): Promise<string> {
  const store = succeeded(
    await client.call('operator', 'POST', '/api/stores', { name: 'Corner Tea', location: 'Level 1' }),
  ).id as string;
  succeeded(await client.call('operator', 'PUT', `/api/stores/${store}/participating`));
  const product = succeeded(
    await client.call('operator', 'POST', `/api/stores/${store}/products`, {
      name: 'Green tea',
      description: 'Loose leaf',
      sku: 'TEA-1',
      price: 3.5,
    }),
  ).id as string;
  const customer = succeeded(
    await client.call('anonymous', 'POST', '/api/customers', {
      name: 'Ada Operator-Test',
      smsNumber: '+1 555 010 0042',
      username: `ada.${crypto.randomUUID().slice(0, 8)}`,
      password: crypto.randomUUID(),
    }),
  ).id as string;
  const basket = succeeded(await client.call('operator', 'POST', '/api/baskets', { customerId: customer }))
    .id as string;
  succeeded(
    await client.call('operator', 'PUT', `/api/baskets/${basket}/addItem`, {
      productId: product,
      quantity: 2,
    }),
  );
  const payment = succeeded(
    await client.call('operator', 'POST', '/api/payments', { customerId: customer, amountCents: 700 }),
  ).id as string;
  const checkout = await client.call('operator', 'PUT', `/api/baskets/${basket}/checkout`, {
    paymentId: payment,
  });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(204);
  await eventually(
    'the order is approved',
    () => client.find('operator', `/api/ordering/${basket}`),
    (found) => found?.order?.status === 'approved',
  );
  // The order takes the basket's id.
  return basket;
}

const TRACES_URL = 'http://traces.test/trace/{traceId}';

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/**
 * The operators' screens of the console, on MallBots in one process as `npm start` runs it (plus a test hook
 * that makes a dead letter on demand): an order's message flow across the modules, its saga's timeline, a
 * dead letter inspected and re-driven, the consumer lag, and a projection rebuilt with its progress.
 */
describe("MallBots' operations console", () => {
  let system: RunningSystem;
  let browser: Browser;
  let client: SystemClient;
  let page: Page;
  let order: string;

  beforeAll(async () => {
    [system, browser] = await Promise.all([
      startSystem({
        application: mallbotsUnderTest,
        profile: 'embedded',
        entry: 'apps/mallbots/test/web/support/operations-entry.ts',
        cwd: ROOT,
        // A trace UI's address: each conversation links its trace there.
        env: { ROBOTS: '0', TRACES_URL },
      }),
      openBrowser(),
    ]);
    client = systemClient(system);
    order = await placeOrder(client);
    page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto('/console/');
    await page.getByLabel('Username').fill(system.operator.username);
    await page.getByLabel('Password').fill(system.operator.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Console' }).waitFor();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const open = async (nav: string) => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: nav, exact: true })
      .click();
    await expect.poll(() => heading(page)).toBe(nav);
  };

  it("shows an order's whole message flow: the checkout, the saga's commands and replies, the order's events, in causal order", async () => {
    await open('Message flow');
    await page.getByLabel('Order id, message key or correlation id').fill(order);
    await page.getByRole('button', { name: 'Show the flow' }).click();
    const flow = page
      .getByRole('list', { name: /^Messages of conversation/ })
      .filter({ hasText: 'basketsapi.BasketCheckedOut' });
    await flow.getByText('ordersapi.OrderApproved', { exact: true }).waitFor();
    await expectAccessible(page, 'the message flow');
    await screenshot(page, 'mallbots-console-operations-flow');

    // Depth first, each message under the one whose handling sent it: the order a person reads is causal.
    const types = await flow.locator('.tw-flow-message strong').allTextContents();
    const chain = [
      'basketsapi.BasketCheckedOut',
      'ordersapi.OrderCreated',
      'customersapi.AuthorizeCustomer',
      'depotapi.CreateShoppingList',
      'paymentsapi.ConfirmPayment',
      'depotapi.InitiateShopping',
      'ordersapi.ApproveOrder',
      'ordersapi.OrderApproved',
    ];
    const at = chain.map((type) => types.indexOf(type));
    expect(
      at.every((index) => index >= 0),
      `${chain} in ${types}`,
    ).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(types.filter((type) => type === 'reply.Success').length).toBeGreaterThanOrEqual(5);
    // Each command's reply sits under it; the commands are the saga's, in the modules' words.
    const authorize = flow.locator('.tw-flow-message', { hasText: 'customersapi.AuthorizeCustomer' });
    await expect.poll(() => authorize.locator('.tw-badge').textContent()).toBe('Command');
    const reply = authorize.locator('xpath=..').locator(':scope > ol > li > .tw-flow-message strong');
    await expect.poll(() => reply.first().textContent()).toBe('reply.Success');
    await expect.poll(() => flow.getByText(/Handled by cosec-orders/).count()).toBeGreaterThan(0);

    // One checkout, one trace: the conversation links it at the trace UI TRACES_URL names.
    const conversation = page.getByRole('region', { name: /^Conversation/ }).filter({ has: flow });
    const trace = conversation.getByRole('link', { name: /^[\da-f]{32}$/ });
    await expect.poll(() => trace.count()).toBe(1);
    const traceId = await trace.textContent();
    expect(await trace.getAttribute('href')).toBe(TRACES_URL.replace('{traceId}', traceId!));
    expect(await trace.getAttribute('target')).toBe('_blank');

    // An id nothing was sent with says so, as a sentence.
    await page.getByLabel('Order id, message key or correlation id').fill('no-such-order');
    await page.getByRole('button', { name: 'Show the flow' }).click();
    await page.getByText(/No message was sent with the key no-such-order/).waitFor();
  });

  it("shows the order's saga and its timeline of steps and replies", async () => {
    await open('Sagas');
    const row = page.getByRole('row', { name: new RegExp(order) });
    await expect.poll(() => row.getByText('completed').count()).toBe(1);
    await row.getByRole('link', { name: order }).click();
    await expect.poll(() => heading(page)).toBe('Saga instance');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('Completed', { exact: true }).waitFor();
    const entries = await timeline.getByRole('listitem').allTextContents();
    expect(entries[0]).toContain('Started');
    expect(
      entries.findIndex((e) => e.includes('Command sent: customersapi.AuthorizeCustomer')),
    ).toBeGreaterThan(0);
    expect(entries.filter((e) => e.includes('Reply: success')).length).toBe(5);
    expect(entries.at(-1)).toContain('Completed');
    await expectAccessible(page, 'a saga instance');
    await screenshot(page, 'mallbots-console-operations-saga');
    await page.getByRole('link', { name: `Messages keyed by ${order}` }).click();
    await expect.poll(() => heading(page)).toBe('Message flow');
  });

  it('shows a dead letter with its error, re-drives it once repaired, then a group of them after asking', async () => {
    const probes = await Promise.all(
      [1, 2, 3].map(async () =>
        succeeded(await client.call('operator', 'POST', '/api/operationstest/probes')),
      ),
    );
    await eventually(
      'the probes are dead letters',
      () =>
        client.all<{ messageId: string }>(
          'operator',
          `/admin/messaging/dead-letters?group=${FRAGILE_GROUP}`,
          'deadLetters',
        ),
      (letters) => probes.every((probe) => letters.some((letter) => letter.messageId === probe.id)),
    );
    await open('Dead letters');
    const rows = page.getByRole('row', { name: new RegExp(FRAGILE_GROUP) });
    await expect.poll(() => rows.count()).toBe(3);
    await expectAccessible(page, 'the dead letters');
    await screenshot(page, 'mallbots-console-operations-dead-letters');

    await rows.first().getByRole('link', { name: 'operationstestapi.ProbeSent' }).click();
    await expect.poll(() => heading(page)).toBe('Dead letter');
    await page.getByText('the probe handler is broken (the test repairs it)').first().waitFor();
    // The message as stored: one of the probes, whole.
    const shown = await page.locator('main').innerText();
    expect(probes.filter((probe) => shown.includes(probe.id))).toHaveLength(1);
    expect(shown).toContain('"sentBy": "the operations browser test"');
    await expectAccessible(page, 'a dead letter');

    // The cause is fixed; the operator re-drives the message, after saying yes.
    succeeded(await client.call('operator', 'POST', '/api/operationstest/repair'));
    await page.getByRole('button', { name: 'Re-drive' }).click();
    const dialog = page.getByRole('dialog', { name: /^Re-drive this operationstestapi.ProbeSent/ });
    await dialog.waitFor();
    await expectAccessible(page, 'the re-drive question');
    await dialog.getByRole('button', { name: 'Re-drive' }).click();
    await page.getByText(`Re-driven: delivered again to ${FRAGILE_GROUP}.`).waitFor();

    await page.getByRole('link', { name: 'Back to the dead letters' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    // Asked, and said no: nothing moves.
    await page.getByRole('button', { name: 'Re-drive all (2)' }).click();
    await page
      .getByRole('dialog', { name: 'Re-drive every dead letter (2)?' })
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByLabel('Consumer group').selectOption(FRAGILE_GROUP);
    await page.getByRole('button', { name: 'Re-drive this group' }).click();
    await page
      .getByRole('dialog', { name: `Re-drive every dead letter of ${FRAGILE_GROUP} (2)?` })
      .getByRole('button', { name: 'Re-drive' })
      .click();
    await page.getByText('Re-driven: 2 dead letters delivered again.').waitFor();
    await page.getByText(`No dead letters in ${FRAGILE_GROUP}.`).waitFor();

    // Handled this time: the group has nothing left waiting, and the probe's flow says who handled it.
    await eventually(
      'the probes are handled',
      async () => succeeded(await client.call('operator', 'GET', '/admin/messaging/lag')),
      (lag: { groups: Array<{ group: string; pending: number; deadLetters: number }> }) =>
        lag.groups.some((g) => g.group === FRAGILE_GROUP && g.pending === 0 && g.deadLetters === 0),
    );
    await open('Message flow');
    await page.getByLabel('Order id, message key or correlation id').fill(probes[0]!.correlationId);
    await page.getByRole('button', { name: 'Show the flow' }).click();
    await page.getByText(`Handled by ${FRAGILE_GROUP}`, { exact: false }).first().waitFor();
  });

  it('shows each consumer group’s lag', async () => {
    await open('Consumer lag');
    const row = page.getByRole('row', { name: /cosec-orders/ });
    await expect.poll(() => row.count()).toBe(1);
    await page.getByText(/Read every 2 seconds; last at/).waitFor();
    await expectAccessible(page, 'the consumer lag');
    await screenshot(page, 'mallbots-console-operations-lag');
  });

  it('rebuilds a projection after asking, its progress shown until it is up to date again', async () => {
    await open('Projections');
    await page.getByText('Live', { exact: true }).waitFor();
    const row = page.getByRole('row', { name: /search\.orders/ });
    await row.getByText('Up to date').waitFor();
    await row.getByRole('button', { name: 'Rebuild search.orders' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rebuild search.orders?' });
    await expectAccessible(page, 'the rebuild question');
    // A rebuild of a few events takes milliseconds: every bar the page shows on the way is written down.
    await page.evaluate(`
      window.bars = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('progress'))
          window.bars.push(bar.labels[0].textContent + ' ' + bar.value + '/' + bar.max);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });`);
    await dialog.getByRole('button', { name: 'Rebuild' }).click();
    await page.getByText('Rebuilt search.orders: up to date.').waitFor();
    const bars = (await page.evaluate('window.bars')) as string[];
    expect(bars.length, 'a progress bar was shown').toBeGreaterThan(0);
    expect(bars[0]).toMatch(/^Rebuilding search\.orders: 0% 0\/[1-9]\d*$/);
    await row.getByText('Up to date').waitFor();
    const [position, head] = await Promise.all([
      row.getByRole('cell').nth(1).textContent(),
      row.getByRole('cell').nth(2).textContent(),
    ]);
    expect(position).toBe(head);
    await expectAccessible(page, 'the projections');
    await screenshot(page, 'mallbots-console-operations-projections');
    // The read model is whole again: the order is found by search.
    await eventually(
      'search shows the order again',
      () => client.find('operator', `/api/search/orders/${order}`),
      (found) => found?.order?.id === order,
    );
  });
});
