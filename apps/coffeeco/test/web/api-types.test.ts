import { readFile } from 'node:fs/promises';
import { webApiFile, webApiSource } from '@tessera/web/api-types';
import { describe, expect, it } from 'vitest';
import { coffeeco } from '../../src/app.js';

/**
 * The till is typed against the API's own schemas (ADR 0037): the generated `api.gen.ts` must be what the
 * OpenAPI document gives today, so a changed route fails here until `npm run generate:web` is run (and then
 * fails the till's type check wherever it uses it wrongly).
 */
describe("CoffeeCo's web API types", () => {
  it('match the OpenAPI document its routes give', async () => {
    const file = webApiFile(new URL('../../../', import.meta.url), coffeeco);
    const committed = await readFile(file, 'utf8').catch(() => '(missing)');
    expect(committed, `${file.pathname}: run npm run generate:web`).toBe(await webApiSource(coffeeco));
  }, 120_000);
});
