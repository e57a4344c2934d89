import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { type CuttableNetwork, cuttableNetwork } from './network.js';

import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Chromium for browser tests. Background networking, updates and sync are off: the machines that
 * run tests have no way out, and Chromium's own calls home would only fail (and slow every start).
 */
export function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The screens pages are made for: a kiosk's portrait touch screen and a laptop. */
export const KIOSK: BrowserContextOptions = {
  viewport: { width: 1080, height: 1920 },
  hasTouch: true,
  isMobile: false,
  locale: 'en-US',
};
export const LAPTOP: BrowserContextOptions = { viewport: { width: 1366, height: 768 }, locale: 'en-US' };

/** A new page in a context of its own (its own cookies), on `baseUrl`. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions = LAPTOP,
): Promise<Page> {
  const context = await browser.newContext({ ...options, baseURL: baseUrl });
  return context.newPage();
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * An automated WCAG 2.1 A and AA scan (axe-core) of the page as it is now: fails naming each violation and
 * where it is. It checks what a machine can (labels, names, contrast, landmarks, ARIA); keyboard use is
 * asserted by the journeys themselves.
 */
export async function expectAccessible(page: Page, what = page.url()): Promise<void> {
  // Evaluated, not added as a script tag: the pages' Content-Security-Policy refuses inline scripts, rightly.
  axeSource ??= readFile(AXE_SOURCE, 'utf8');
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    type Axe = { run: (options: unknown) => Promise<{ violations: unknown[] }> };
    const axe = (globalThis as unknown as { axe: Axe }).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  const found = violations as AxeViolation[];
  if (found.length > 0) {
    const lines = found.map(
      (violation) =>
        `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}\n` +
        violation.nodes
          .slice(0, 5)
          .map((node) => `    at ${JSON.stringify(node.target)}: ${node.failureSummary ?? ''}`)
          .join('\n'),
    );
    throw new Error(`accessibility violations on ${what}:\n${lines.join('\n')}`);
  }
}

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../../../docs/screenshots');

/**
 * A picture of the screen for the README (`docs/screenshots/<name>.png`), taken only when
 * UPDATE_SCREENSHOTS=1 so that ordinary runs leave the working tree alone. Never an assertion.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
