import { describe, expect, it } from 'vitest';
import { landingPage } from '../src/runtime/landing.js';
import { emptyApplication } from './support/modules.js';

const shop = emptyApplication({
  name: 'shop',
  title: 'Shop <&> Co',
  description: 'Sells "things".',
  pathPrefix: '',
  modules: ['orders', 'stock'],
});
const bank = emptyApplication({ name: 'bank', title: 'Bank', description: 'Lends.', modules: ['loans'] });

describe('the landing page', () => {
  const page = landingPage([
    { application: shop, modules: shop.modules },
    { application: bank, modules: bank.modules },
  ]);

  it('names each running application with its line and where its routes are', () => {
    expect(page).toContain('<h2 id="app-shop">Shop &#60;&#38;&#62; Co</h2>');
    expect(page).toContain('<p>Sells &#34;things&#34;.</p>');
    expect(page).toContain('<h2 id="app-bank">Bank</h2>');
    expect(page).toContain('Routes under <code>/bank</code>');
    expect(page).toContain('Routes under <code>/</code>');
  });

  it('links each to its API docs, and is a page a screen reader can find its way in', () => {
    expect(page).toContain('<a href="/docs#/orders">Shop &#60;&#38;&#62; Co API (Swagger UI)</a>');
    expect(page).toContain('<a href="/docs#/loans">Bank API (Swagger UI)</a>');
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toMatch(/<main>[\s\S]*<\/main>/);
    expect(page).toContain('<section aria-labelledby="app-bank">');
  });

  it('says which modules run here when the process runs only some', () => {
    const partial = landingPage([{ application: shop, modules: [shop.modules[1]!] }]);
    expect(partial).toContain('In this process: stock.');
    expect(page).not.toContain('In this process');
  });
});
