import { describe, expect, it } from 'vitest';
import { coffeeco } from '../src/app.js';

describe('the staff roles CoffeeCo offers operators (ADR 0040)', () => {
  it("declares every shop and marketing role, and not the customers' own roles", () => {
    const roles = coffeeco.modules.flatMap((module) => module.roles ?? []);
    const staff = roles.filter((role) => !role.own).map((role) => role.name);
    expect(new Set(staff)).toEqual(new Set(['barista', 'marketer', 'store-manager']));
    expect(new Set(roles.filter((role) => role.own).map((role) => role.name))).toEqual(
      new Set(['coffee-lover', 'subscriber']),
    );
  });
});
