import { readFile } from 'node:fs/promises';
import { OPERATIONS_API_FILE, operationsApiSource } from '@tessera/web/operations-api-types';
import { describe, expect, it } from 'vitest';

/**
 * The operations screens are typed by the platform's own schemas of its operators' routes (ADR 0041): the
 * generated file must be what those routes give today, so a changed route fails here until
 * `npm run generate:web` is run (and then fails the screens' type check wherever they use it wrongly).
 */
describe("the operations screens' API types", () => {
  it("match the OpenAPI document of the platform's operators' routes", async () => {
    const committed = await readFile(OPERATIONS_API_FILE, 'utf8').catch(() => '(missing)');
    expect(committed, `${OPERATIONS_API_FILE.pathname}: run npm run generate:web`).toBe(
      await operationsApiSource(),
    );
  }, 120_000);
});
