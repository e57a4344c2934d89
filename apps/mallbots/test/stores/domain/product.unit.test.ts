import { fold } from '@tessera/platform/ddd';
import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as Product from '../../../src/stores/domain/product.js';

const spec = aggregateSpec(Product.aggregate);
const storeId = '4a0e8a3e-3c1b-4d5e-9f6a-7b8c9d0e1f2a';
const store = { id: storeId, state: { exists: true } };
const newProduct = { store, name: 'Widget', description: 'Useful', sku: 'W-1', priceCents: 999 };
const added: Product.Event = {
  type: 'stores.ProductAdded',
  data: { storeId, name: 'Widget', description: 'Useful', sku: 'W-1', priceCents: 999 },
};
const removed: Product.Event = { type: 'stores.ProductRemoved', data: {} };
const increased = (deltaCents: number): Product.Event => ({
  type: 'stores.ProductPriceIncreased',
  data: { deltaCents },
});
const decreased = (deltaCents: number): Product.Event => ({
  type: 'stores.ProductPriceDecreased',
  data: { deltaCents },
});
const productNotFound = {
  kind: 'not_found',
  code: 'product_not_found',
  message: 'product with that ID does not exist',
} as const;
const negativePrice = {
  kind: 'invalid_argument',
  code: 'product_price_negative',
  message: 'the product price cannot be negative',
} as const;

describe('Product: add', () => {
  it('records ProductAdded with trimmed text and the price in cents', () => {
    const state = spec
      .given()
      .when((s) => Product.add(s, { ...newProduct, name: ' Widget ', description: ' Useful ', sku: ' W-1 ' }))
      .thenEvents(added);
    expect(state).toMatchObject({ exists: true, removed: false, storeId, priceCents: 999 });
  });

  it('accepts a free product (price 0)', () => {
    spec
      .given()
      .when((s) => Product.add(s, { ...newProduct, priceCents: 0 }))
      .thenEvents({ ...added, data: { ...added.data, priceCents: 0 } } as Product.Event);
  });

  it('refuses a store that does not exist', () => {
    spec
      .given()
      .when((s) => Product.add(s, { ...newProduct, store: { id: storeId, state: { exists: false } } }))
      .thenFails({
        kind: 'not_found',
        code: 'store_not_found',
        message: 'store with that ID does not exist',
      });
  });

  it('refuses a blank name', () => {
    const error = spec
      .given()
      .when((s) => Product.add(s, { ...newProduct, name: ' ' }))
      .thenFails({
        kind: 'invalid_argument',
        code: 'product_name_blank',
        message: 'the product name cannot be blank',
      });
    expect(error.field).toBe('name');
  });

  it.each([
    ['description', 'product_description_blank', 'the product description cannot be blank'],
    ['sku', 'product_sku_blank', 'the product SKU cannot be blank'],
  ] as const)('refuses a blank %s, naming it', (field, code, message) => {
    for (const blank of ['', ' \t ']) {
      const error = spec
        .given()
        .when((s) => Product.add(s, { ...newProduct, [field]: blank }))
        .thenFails({ kind: 'invalid_argument', code, message });
      expect(error.field).toBe(field);
    }
  });

  it('refuses a negative price', () => {
    spec
      .given()
      .when((s) => Product.add(s, { ...newProduct, priceCents: -1 }))
      .thenFails(negativePrice);
  });

  it.each([0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses a price that is not a whole, safe number of cents (%s)',
    (priceCents) => {
      spec
        .given()
        .when((s) => Product.add(s, { ...newProduct, priceCents }))
        .thenFails({ kind: 'invalid_argument', code: 'product_price_not_cents' });
    },
  );

  it('refuses to add a product twice under one id', () => {
    spec
      .given(added)
      .when((s) => Product.add(s, newProduct))
      .thenFails({ kind: 'already_exists', code: 'product_already_exists' });
  });
});

describe('Product: rebrand', () => {
  it('records ProductRebranded', () => {
    const state = spec
      .given(added)
      .when((s) => Product.rebrand(s, { name: 'Gadget ', description: ' Shiny' }))
      .thenEvents({ type: 'stores.ProductRebranded', data: { name: 'Gadget', description: 'Shiny' } });
    expect(state).toMatchObject({ name: 'Gadget', description: 'Shiny' });
  });

  it('may blank neither the name nor the description', () => {
    spec
      .given(added)
      .when((s) => Product.rebrand(s, { name: 'Widget', description: ' ' }))
      .thenFails({ code: 'product_description_blank', message: 'the product description cannot be blank' });
    spec
      .given(added)
      .when((s) => Product.rebrand(s, { name: '', description: 'x' }))
      .thenFails({ code: 'product_name_blank', message: 'the product name cannot be blank' });
  });

  it('records nothing when neither name nor description changes', () => {
    spec
      .given(added)
      .when((s) => Product.rebrand(s, { name: 'Widget', description: 'Useful' }))
      .thenEvents();
  });
});

describe('Product: price changes (absolute new price in, delta recorded)', () => {
  it('records an increase as a positive delta', () => {
    const state = spec
      .given(added)
      .when((s) => Product.increasePrice(s, { priceCents: 1250 }))
      .thenEvents(increased(251));
    expect(state.priceCents).toBe(1250);
  });

  it('refuses an increase to a lower price', () => {
    spec
      .given(added)
      .when((s) => Product.increasePrice(s, { priceCents: 998 }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'price_change_is_decrease',
        message: 'the price change would be a decrease',
      });
  });

  it('records a decrease as a negative delta, down to free', () => {
    const state = spec
      .given(added)
      .when((s) => Product.decreasePrice(s, { priceCents: 0 }))
      .thenEvents(decreased(-999));
    expect(state.priceCents).toBe(0);
  });

  it('refuses a decrease to a higher price', () => {
    spec
      .given(added)
      .when((s) => Product.decreasePrice(s, { priceCents: 1000 }))
      .thenFails({
        kind: 'failed_precondition',
        code: 'price_change_is_increase',
        message: 'the price change would be an increase',
      });
  });

  it('treats the same price as no change: no event, no error, both ways', () => {
    spec
      .given(added)
      .when((s) => Product.increasePrice(s, { priceCents: 999 }))
      .thenEvents();
    spec
      .given(added)
      .when((s) => Product.decreasePrice(s, { priceCents: 999 }))
      .thenEvents();
  });

  it('refuses a negative or fractional new price', () => {
    spec
      .given(added)
      .when((s) => Product.decreasePrice(s, { priceCents: -1 }))
      .thenFails(negativePrice);
    spec
      .given(added)
      .when((s) => Product.increasePrice(s, { priceCents: 1000.5 }))
      .thenFails({ code: 'product_price_not_cents' });
  });

  it('folds deltas to the same price in any order (price events commute)', () => {
    const changes = [increased(500), decreased(-200), increased(1), decreased(-300)];
    const forwards = fold(Product.aggregate, [added, ...changes]);
    const backwards = fold(Product.aggregate, [added, ...changes.reverse()]);
    expect(forwards.priceCents).toBe(1000);
    expect(backwards).toEqual(forwards);
  });
});

describe('Product: remove', () => {
  it('records ProductRemoved', () => {
    const state = spec.given(added).when(Product.remove).thenEvents(removed);
    expect(state.removed).toBe(true);
  });
});

describe('Product: commands on a product that does not exist or was removed', () => {
  const commands: Array<[string, (s: Product.State) => Product.Event[]]> = [
    ['rebrand', (s) => Product.rebrand(s, { name: 'Gadget', description: 'Shiny' })],
    ['increasePrice', (s) => Product.increasePrice(s, { priceCents: 2000 })],
    ['decreasePrice', (s) => Product.decreasePrice(s, { priceCents: 1 })],
    ['remove', (s) => Product.remove(s)],
  ];

  it.each(commands)('%s on a missing product is not found', (_name, command) => {
    spec.given().when(command).thenFails(productNotFound);
  });

  it.each(commands)('%s on a removed product is not found', (_name, command) => {
    spec.given(added, removed).when(command).thenFails(productNotFound);
  });
});
