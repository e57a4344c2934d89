import type { RunningSystem } from '@tessera/platform/testing';
import { expectAccessible, LAPTOP, newPage, openBrowser, screenshot } from '@tessera/web/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bank, errorNextTo, expectHeading, logIn, startLettersOfCredit, WAIT } from './support.js';

const HOME = '/letters-of-credit/applicant/';

/** A date some days from today, as a date input takes it. */
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * An importer's journey through their page (spec §3.3): register, start an application, complete it one
 * section (one task) at a time, meet the bank's rules next to the fields they concern, submit. Every button
 * and link of a task is there only when the application's links offer it.
 */
describe("Letters of credit: the importer's screens", () => {
  let system: RunningSystem;
  let browser: Browser;
  let bank: Bank;
  beforeAll(async () => {
    [system, browser] = await Promise.all([startLettersOfCredit(), openBrowser()]);
    bank = new Bank(system);
    await bank.product('Raw silk');
    await bank.product('Opium', 'narcotics');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const task = async (page: Page, link: string, heading: string) => {
    await page.getByRole('link', { name: link }).click();
    await expectHeading(page, heading);
  };
  const save = async (page: Page, saved: string) => {
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).textContent(), WAIT)
      .toBe(`Saved: ${saved}.`);
  };
  const section = (page: Page, name: string) => page.getByRole('region', { name });

  it('registers, drafts task by task, meets the rules next to their fields, and submits', async () => {
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto(HOME);
    await expectHeading(page, 'Importers: log in');
    await page.getByRole('button', { name: 'New here? Register as an importer' }).click();
    await expectHeading(page, 'Register as an importer');
    await page.getByLabel('Your name').fill('Shuri');
    await page.getByLabel('Username').fill(`shuri.${crypto.randomUUID().slice(0, 8)}`);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => errorNextTo(page, 'Password'), WAIT).toMatch(/8/);
    await expectAccessible(page, 'registering, with an error');
    await page.getByLabel('Password').fill(crypto.randomUUID());
    await page.getByRole('button', { name: 'Register' }).click();
    await expectHeading(page, 'My applications');
    await page.getByText('You have no drafts.').waitFor();
    await expectAccessible(page, 'my applications, none yet');

    await page.getByRole('main').getByRole('link', { name: 'Start a new application' }).click();
    await expectHeading(page, 'Start a new application');
    const start = page.getByRole('button', { name: 'Start' });
    expect(await start.isDisabled(), 'Start waits for a reference of 4 characters').toBe(true);
    await page.getByLabel('Reference').fill(' Vib ');
    expect(await start.isDisabled()).toBe(true);
    await page.getByLabel('Reference').fill('Vibranium shipment');
    await expectAccessible(page, 'starting an application');
    await screenshot(page, 'lc-applicant-start');
    await start.click();
    await expectHeading(page, 'LC application Vibranium shipment');

    // A new draft offers every change, and not yet submit: it has no amount and no merchandise.
    await page.getByRole('link', { name: 'Change the amount' }).waitFor();
    expect(await page.getByRole('link', { name: /^Change the / }).count()).toBe(8);
    expect(await page.getByRole('button', { name: /^Submit/ }).count()).toBe(0);
    await expectAccessible(page, 'a new draft');

    await task(page, 'Change the amount', 'Amount');
    await page.getByLabel('Amount in US dollars (USD)').fill('600000');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => errorNextTo(page, 'Amount in US dollars (USD)'), WAIT)
      .toBe('A letter of credit may be worth at most USD 500,000.00.');
    await expectAccessible(page, 'the amount, refused');
    await screenshot(page, 'lc-applicant-task-error');
    await page.getByLabel('Amount in US dollars (USD)').fill('125000');
    await save(page, 'Amount');
    await expect.poll(() => section(page, 'Amount').textContent(), WAIT).toContain('$125,000.00');

    await task(page, 'Change the merchandise', 'Merchandise');
    // The approved products arrive after the form: a person waits for the one they want.
    await page.getByRole('option', { name: 'Raw silk' }).waitFor({ state: 'attached' });
    const products = await page.getByLabel('Product', { exact: true }).locator('option').allTextContents();
    expect(products, 'only the approved products are offered').toContain('Raw silk');
    expect(products).not.toContain('Opium');
    await page.getByLabel('Product').selectOption({ label: 'Raw silk' });
    await page.getByLabel('Quantity').fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => errorNextTo(page, 'Quantity'), WAIT).toMatch(/1/);
    await page.getByLabel('Quantity').fill('400');
    await page.getByLabel('Merchandise description (optional)').fill('Mulberry silk, grade A');
    await save(page, 'Merchandise');
    await expect.poll(() => section(page, 'Merchandise').textContent(), WAIT).toContain('400 × Raw silk');
    // Now the application offers submit: its links say so, the page only shows it.
    await page.getByRole('button', { name: 'Submit for the checks and a decision' }).waitFor();

    // The applicant section starts from what the importer told the bank when registering.
    await task(page, 'Change the applicant', 'Applicant');
    await expect.poll(() => page.getByLabel('Your name or company').inputValue(), WAIT).toBe('Shuri');
    await page.getByLabel('Address line 1', { exact: true }).fill('1 Golden City Road');
    await page.getByLabel('City').fill('Birnin Zana');
    await page.getByLabel('Country').selectOption({ label: 'Wakanda' });
    await save(page, 'Applicant');

    await task(page, 'Change the beneficiary', 'Beneficiary');
    await page.getByLabel("Beneficiary's name").fill('Stark Industries');
    await page.getByLabel('Address line 1', { exact: true }).fill('10880 Malibu Point');
    await page.getByLabel('City').fill('Novi Grad');
    await page.getByLabel('Country').selectOption({ label: 'Sokovia' });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => errorNextTo(page, 'Country'), WAIT)
      .toBe('Import from this country is currently prohibited.');
    await page.getByLabel('City').fill('Mombasa');
    await page.getByLabel('Country').selectOption({ label: 'Kenya' });
    await save(page, 'Beneficiary');

    await task(page, 'Change the advising bank', 'Advising bank');
    await page.getByLabel('SWIFT code (BIC)').fill('kcblkenx');
    await page.getByLabel('Bank name').fill('KCB Bank Kenya');
    await page.getByLabel('Country').selectOption({ label: 'Kenya' });
    await save(page, 'Advising bank');

    await task(page, 'Change the documents required', 'Documents required');
    await page.getByLabel('Certificate of origin signed by the chamber of commerce').check();
    await page.getByLabel('Other documents (optional)').fill('Packing list');
    await save(page, 'Documents required');

    await task(page, 'Change the conditions', 'Conditions');
    await page.getByLabel('Deferred').check();
    await page.getByLabel('Days after sight').fill('60');
    await save(page, 'Conditions');
    await expect
      .poll(() => section(page, 'Conditions').textContent(), WAIT)
      .toContain('paid 60 days after sight');

    await task(page, 'Change the expiry date', 'Expiry date');
    await page.getByLabel('Expiry date', { exact: true }).fill(daysFromNow(-1));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => errorNextTo(page, 'Expiry date'), WAIT)
      .toBe('The expiry date must be after today.');
    await page.getByLabel('Expiry date', { exact: true }).fill(daysFromNow(90));
    await save(page, 'Expiry date');
    await expectAccessible(page, 'a complete draft');
    await screenshot(page, 'lc-applicant-draft');

    await page.getByRole('button', { name: 'Submit for the checks and a decision' }).click();
    await page.getByText('Submitted: the bank checks it now, and decides.').waitFor();
    await expect.poll(() => page.getByRole('link', { name: /^Change the / }).count(), WAIT).toBe(0);
    expect(await page.getByRole('button', { name: /^Submit/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel the application' }).waitFor();
    await expectAccessible(page, 'a submitted application');
    await screenshot(page, 'lc-applicant-submitted');

    // A task's own address, once the application no longer offers it, shows no form.
    await page.goto(`${new URL(page.url()).pathname}/change-amount`);
    await expectHeading(page, 'Amount');
    await page.getByText('This application does not offer this task now.').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);

    await page.getByRole('link', { name: 'My applications' }).click();
    await expectHeading(page, 'My applications');
    await page.getByText('You have no drafts.').waitFor();
    const sent = page.getByRole('table', { name: /Submitted and decided/ });
    await sent.getByRole('link', { name: 'Vibranium shipment' }).waitFor();
    await expectAccessible(page, 'my applications');
    await screenshot(page, 'lc-applicant-home');
  }, 180_000);

  it("says the bank's rules in the person's language: Spanish", async () => {
    const importer = await bank.importer('Nakia');
    const id = await bank.draft(importer, 'Envío de vibranio');
    const page = await newPage(browser, system.baseUrl, { ...LAPTOP, locale: 'es-ES' });
    await page.goto(`${HOME}applications/${id}/change-amount`);
    await logIn(page, importer);
    await expectHeading(page, 'Amount');
    await page.getByLabel('Amount in US dollars (USD)').fill('600000');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => errorNextTo(page, 'Amount in US dollars (USD)'), WAIT)
      .toBe('Una carta de crédito puede valer como máximo 500.000,00 USD.');
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), WAIT)
      .toBe('Algunos datos deben corregirse: vea los mensajes junto a ellos.');
  }, 60_000);

  it("opens no other importer's application, and tells the desk's staff this page is not theirs", async () => {
    const [owner, other] = await Promise.all([bank.importer('Okoye'), bank.importer('Ayo')]);
    const id = await bank.draft(owner, 'Not yours');
    const page = await newPage(browser, system.baseUrl, LAPTOP);
    await page.goto(`${HOME}applications/${id}`);
    await logIn(page, other);
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), WAIT)
      .toBe('This belongs to someone else.');
    expect(await page.getByRole('link', { name: /^Change the / }).count()).toBe(0);

    const staff = await newPage(browser, system.baseUrl, LAPTOP);
    await staff.goto(HOME);
    await logIn(staff, await bank.tradeFinanceManager());
    await expectHeading(staff, "Not an importer's account");
  }, 60_000);
});
