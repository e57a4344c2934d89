import { describe, expect, it } from 'vitest';
import { lettersOfCredit } from '../src/app.js';

describe('the staff roles letters of credit offers operators (ADR 0040)', () => {
  it("declares every bank staff role, and not the applicants' own role", () => {
    const roles = lettersOfCredit.modules.flatMap((module) => module.roles ?? []);
    const staff = roles.filter((role) => !role.own).map((role) => role.name);
    expect(new Set(staff)).toEqual(
      new Set([
        'credit-analyst',
        'product-analyst',
        'sanctions-officer',
        'trade-finance-manager',
        'underwriter',
      ]),
    );
    expect(roles.filter((role) => role.own).map((role) => role.name)).toEqual(['applicant']);
  });
});
