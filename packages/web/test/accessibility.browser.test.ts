import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, openBrowser } from '../src/testing/index.js';

/** The scan every journey relies on must fail where a person would be stuck, and pass where they would not. */
describe('the accessibility scan', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it('fails on an unlabelled input and on text without contrast, naming each', async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main>
      <h1>Form</h1><input type="text"><p style="color:#bbb;background:#fff">faint</p></main></body></html>`);
    const failure = await expectAccessible(page, 'a bad page').catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/label/);
    expect((failure as Error).message).toMatch(/color-contrast/);
  });

  it('passes a page with labels, a language, a title and contrast', async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html lang="en"><head><title>t</title></head><body><main>
      <h1>Form</h1><label for="n">Name</label><input id="n" type="text"><p>plain</p></main></body></html>`);
    await expectAccessible(page, 'a good page');
  });
});
