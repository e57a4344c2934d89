import { describe, expect, it } from 'vitest';
import {
  type Application,
  DEFAULT_PRODUCT_RULES,
  productLegality,
  productValue,
  type Register,
} from '../../src/compliance/domain/product-checks.js';
import { type Product, registerProduct } from '../../src/compliance/domain/products.js';

const COTTON = '8a1e2f4c-0b6d-4c1e-9f3a-1d2c3b4a5e60';
const OPIUM = '8a1e2f4c-0b6d-4c1e-9f3a-1d2c3b4a5e61';
const LOOMS = '8a1e2f4c-0b6d-4c1e-9f3a-1d2c3b4a5e62';

const products: Product[] = [
  { id: COTTON, name: 'Cotton bales', category: 'textiles', referencePriceCents: 250_00 },
  { id: OPIUM, name: 'Opium', category: 'narcotics' },
  { id: LOOMS, name: 'Looms', category: 'machinery' },
];
const register: Register = new Map(products.map((product) => [product.id, product]));
const rules = DEFAULT_PRODUCT_RULES;

const application = (overrides: Partial<Application> = {}): Application => ({
  amountCents: 10_000_00,
  currency: 'USD',
  items: [{ productId: LOOMS, quantity: 2 }],
  ...overrides,
});
const approved = { approved: true, remarks: '' };

describe('registering a product', () => {
  it('trims the name and compares categories in lower case; the reference price is kept when given', () => {
    expect(registerProduct({ id: OPIUM, name: ' Opium ', category: ' Narcotics' })).toEqual({
      id: OPIUM,
      name: 'Opium',
      category: 'narcotics',
    });
    expect(
      registerProduct({ id: COTTON, name: 'Cotton', category: 'textiles', referencePriceCents: 1 }),
    ).toMatchObject({ referencePriceCents: 1 });
  });

  it('refuses a blank name or category, naming the field', () => {
    expect(() => registerProduct({ id: OPIUM, name: '  ', category: 'narcotics' })).toThrow(
      expect.objectContaining({ code: 'product_name_blank', field: 'name', kind: 'invalid_argument' }),
    );
    expect(() => registerProduct({ id: OPIUM, name: 'Opium', category: '' })).toThrow(
      expect.objectContaining({ code: 'product_category_blank', field: 'category' }),
    );
  });
});

describe('product value: "LC issued only in USD", "LC maximum value of $500K", no over-invoicing', () => {
  it('approves an amount in USD up to the maximum itself, noting that it was not compared with prices', () => {
    expect(productValue(application({ amountCents: 500_000_00 }), register, rules)).toEqual({
      approved: true,
      remarks: 'not every product has a reference price: the amount was not compared with them',
    });
  });

  it('rejects a cent over the maximum, saying both amounts', () => {
    expect(productValue(application({ amountCents: 500_000_01 }), register, rules)).toEqual({
      approved: false,
      remarks:
        'the amount USD 500,000.01 is over the maximum of USD 500,000.00; ' +
        'not every product has a reference price: the amount was not compared with them',
    });
  });

  it('rejects any other currency, whatever the amount', () => {
    for (const currency of ['EUR', 'usd', 'XXX']) {
      expect(productValue(application({ currency, amountCents: 1 }), register, rules)).toEqual({
        approved: false,
        remarks: `LCs are issued only in USD, not ${currency}`,
      });
    }
  });

  it('follows the configured maximum', () => {
    const lower = { ...rules, maximumAmountCents: 10_000_00 };
    expect(productValue(application({ amountCents: 10_000_00 }), register, lower).approved).toBe(true);
    expect(productValue(application({ amountCents: 10_000_01 }), register, lower).approved).toBe(false);
  });

  it('approves an amount up to the tolerance over the reference value, and rejects a cent more', () => {
    const cotton = (amountCents: number) =>
      application({ amountCents, items: [{ productId: COTTON, quantity: 40 }] }); // 40 × 250.00 = 10,000.00
    expect(productValue(cotton(11_000_00), register, rules)).toEqual(approved);
    expect(productValue(cotton(1), register, rules)).toEqual(approved);
    expect(productValue(cotton(11_000_01), register, rules)).toEqual({
      approved: false,
      remarks:
        "the amount USD 11,000.01 is more than 10% over the merchandise's value at reference prices, " +
        'USD 10,000.00',
    });
    const strict = { ...rules, priceTolerancePercent: 0 };
    expect(productValue(cotton(10_000_00), register, strict)).toEqual(approved);
    expect(productValue(cotton(10_000_01), register, strict).approved).toBe(false);
  });

  it('compares only when every item has a reference price', () => {
    const mixed = application({
      amountCents: 400_000_00,
      items: [
        { productId: COTTON, quantity: 1 },
        { productId: LOOMS, quantity: 1 },
      ],
    });
    expect(productValue(mixed, register, rules)).toMatchObject({ approved: true });
  });
});

describe('product legality: "drug import is prohibited"', () => {
  it('approves registered products of allowed categories', () => {
    const legal = application({
      items: [
        { productId: COTTON, quantity: 1 },
        { productId: LOOMS, quantity: 3 },
      ],
    });
    expect(productLegality(legal, register, rules)).toEqual(approved);
  });

  it('rejects an application with a product of a prohibited category, naming it', () => {
    const drugs = application({
      items: [
        { productId: LOOMS, quantity: 1 },
        { productId: OPIUM, quantity: 5 },
      ],
    });
    expect(productLegality(drugs, register, rules)).toEqual({
      approved: false,
      remarks: 'Opium is narcotics, whose import is prohibited',
    });
  });

  it('follows the configured prohibited categories', () => {
    const machinery = { ...rules, prohibitedCategories: ['machinery'] };
    expect(productLegality(application(), register, machinery)).toEqual({
      approved: false,
      remarks: 'Looms is machinery, whose import is prohibited',
    });
    const opium = application({ items: [{ productId: OPIUM, quantity: 1 }] });
    expect(productLegality(opium, register, machinery)).toEqual(approved);
  });

  it('rejects a product missing from the register unless the rules say such products are legal', () => {
    const unknown = '0d9c8b7a-6f5e-4d3c-8b2a-190807060504';
    const withUnknown = application({
      items: [
        { productId: LOOMS, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ],
    });
    expect(productLegality(withUnknown, register, rules)).toEqual({
      approved: false,
      remarks: `not in the product register: ${unknown}`,
    });
    const lenient = { ...rules, unregisteredProducts: 'legal' as const };
    expect(productLegality(withUnknown, register, lenient)).toEqual({
      approved: true,
      remarks: `not in the product register: ${unknown}`,
    });
    const withOpium = application({
      items: [
        { productId: OPIUM, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ],
    });
    expect(productLegality(withOpium, register, lenient)).toEqual({
      approved: false,
      remarks: `Opium is narcotics, whose import is prohibited; not in the product register: ${unknown}`,
    });
  });

  it('rejects an application with no items: nothing in it was found legal', () => {
    expect(productLegality(application({ items: [] }), register, rules)).toEqual({
      approved: false,
      remarks: 'the application names no merchandise',
    });
  });
});
