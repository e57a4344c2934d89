import { ConfigError } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { createComplianceCommands } from '../../src/compliance/application/commands.js';
import type { ProductChecks } from '../../src/compliance/application/ports.js';
import { DEFAULT_PRODUCT_RULES } from '../../src/compliance/domain/product-checks.js';
import type { Product } from '../../src/compliance/domain/products.js';
import { productRulesFrom } from '../../src/compliance/module.js';

const LC = '5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';
const OPIUM = '8a1e2f4c-0b6d-4c1e-9f3a-1d2c3b4a5e61';

/** The application layer on ports in memory: the register, the records, and what was published. */
function inMemory() {
  const register = new Map<string, Product>();
  const records = new Map<string, ProductChecks>();
  const published: ProductChecks[] = [];
  const commands = createComplianceCommands({
    db: { transaction: (work) => work() },
    products: {
      put: async (product) => void register.set(product.id, product),
      findAll: async (ids) => ids.flatMap((id) => register.get(id) ?? []),
      list: async () => ({ items: [...register.values()] }),
    },
    checks: {
      async record(checks) {
        if (records.has(checks.lcApplicationId)) return false;
        records.set(checks.lcApplicationId, checks);
        return true;
      },
      find: async (id) => records.get(id) && { ...records.get(id)!, decidedAt: 'now' },
    },
    outbox: { publish: async (checks) => void published.push(checks) },
    rules: DEFAULT_PRODUCT_RULES,
  });
  return { commands, records, published };
}

describe('checking the products of a submitted application', () => {
  const submitted = { lcApplicationId: LC, amountCents: 1_000_00, currency: 'USD' };

  it('records and publishes both decisions once: a second delivery decides nothing, even if it would differ', async () => {
    const { commands, records, published } = inMemory();
    await commands.registerProduct({ id: OPIUM, name: 'Poppy seeds', category: 'food' });
    await commands.checkProducts({ ...submitted, items: [{ productId: OPIUM, quantity: 1 }] });
    const first = {
      lcApplicationId: LC,
      value: expect.objectContaining({ approved: true }),
      legality: { approved: true, remarks: '' },
    };
    expect(published).toEqual([first]);

    // The analysts learn better; the same application arrives again: its decision stands, nothing is published.
    await commands.registerProduct({ id: OPIUM, name: 'Opium', category: 'Narcotics' });
    await commands.checkProducts({ ...submitted, items: [{ productId: OPIUM, quantity: 1 }] });
    expect(published).toEqual([first]);
    expect(records.get(LC)?.legality).toEqual({ approved: true, remarks: '' });
  });
});

describe('the rules from the environment', () => {
  it('are the policies of the board when nothing is set', () => {
    expect(productRulesFrom({})).toEqual({
      maximumAmountCents: 500_000_00,
      prohibitedCategories: ['narcotics'],
      unregisteredProducts: 'illegal',
      priceTolerancePercent: 10,
    });
  });

  it('take each setting given', () => {
    expect(
      productRulesFrom({
        COMPLIANCE_MAXIMUM_LC_AMOUNT: '250000.50',
        COMPLIANCE_PROHIBITED_CATEGORIES: ' Narcotics, weapons ,,',
        COMPLIANCE_UNREGISTERED_PRODUCTS: 'legal',
        COMPLIANCE_PRICE_TOLERANCE_PERCENT: '0',
      }),
    ).toEqual({
      maximumAmountCents: 250_000_50,
      prohibitedCategories: ['narcotics', 'weapons'],
      unregisteredProducts: 'legal',
      priceTolerancePercent: 0,
    });
  });

  it('refuse a bad value, naming each variable', () => {
    const bad = () =>
      productRulesFrom({
        COMPLIANCE_MAXIMUM_LC_AMOUNT: '1.005',
        COMPLIANCE_UNREGISTERED_PRODUCTS: 'maybe',
        COMPLIANCE_PRICE_TOLERANCE_PERCENT: '-1',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      /COMPLIANCE_MAXIMUM_LC_AMOUNT[\s\S]*COMPLIANCE_UNREGISTERED_PRODUCTS[\s\S]*COMPLIANCE_PRICE_TOLERANCE_PERCENT/,
    );
  });
});
