import { readFile } from 'node:fs/promises';
import { webApiFile, webApiSource } from '@tessera/web/api-types';
import { describe, expect, it } from 'vitest';
import { lettersOfCredit } from '../../src/app.js';

/**
 * The pages are typed against the API's own schemas (ADR 0037): the generated `api.gen.ts` must be what the
 * OpenAPI document gives today, so a changed route fails here until `npm run generate:web` is run (and then
 * fails the pages' type check wherever they use it wrongly).
 */
describe("Letters of credit's web API types", () => {
  it('match the OpenAPI document its routes give', async () => {
    const file = webApiFile(new URL('../../../', import.meta.url), lettersOfCredit);
    const committed = await readFile(file, 'utf8').catch(() => '(missing)');
    expect(committed, `${file.pathname}: run npm run generate:web`).toBe(await webApiSource(lettersOfCredit));
  }, 120_000);
});
