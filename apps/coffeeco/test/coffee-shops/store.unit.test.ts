import { describe, expect, it } from 'vitest';
import { registerCoffeeLover } from '../../src/coffee-shops/domain/coffee-lover.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { product, sameProduct } from '../../src/coffee-shops/domain/product.js';
import { giveDiscount, openStore, productsFor, quote, sell } from '../../src/coffee-shops/domain/store.js';

const ID = '7d3c2f64-93a4-4a4f-9f55-2d4d7b8f3a10';
const latte = product('Latte', Money.of(330, USD));
const beans = product('Beans', Money.of(3300, USD));

describe('the Store entity', () => {
  it('opens at a location, selling nothing and giving no discount', () => {
    expect(openStore({ ID, Location: ' Seattle ' })).toEqual({
      ID,
      Location: 'Seattle',
      ProductsForSale: [],
      discountPercent: 0,
    });
    expect(() => openStore({ ID, Location: '  ' })).toThrow('a store needs a location');
  });

  it('keeps its identity while what it sells and its discount change', () => {
    const store = giveDiscount(sell(openStore({ ID, Location: 'Seattle' }), [latte, beans]), 10);
    expect(store).toMatchObject({ ID, discountPercent: 10, ProductsForSale: [latte, beans] });
  });

  it('sells each product name once, in US dollars; its discount is a whole percent from 0 to 100', () => {
    const store = openStore({ ID, Location: 'Seattle' });
    expect(() => sell(store, [latte, product('Latte', Money.of(400, USD))])).toThrow(
      expect.objectContaining({ code: 'duplicate_item', field: 'products.1.itemName' }),
    );
    expect(() => sell(store, [product('Latte', Money.of(300, 'EUR'))])).toThrow('stores sell in USD');
    for (const percent of [-1, 101, 2.5]) {
      expect(() => giveDiscount(store, percent)).toThrow(expect.objectContaining({ code: 'bad_discount' }));
    }
  });

  it('prices a till’s items by name at its own prices, refusing a name it does not sell by its place', () => {
    const store = sell(openStore({ ID, Location: 'Seattle' }), [latte, beans]);
    expect(productsFor(store, ['Beans', 'Latte', 'Latte'])).toEqual([beans, latte, latte]);
    expect(() => productsFor(store, ['Latte', 'Tea'])).toThrow(
      expect.objectContaining({
        code: 'unknown_item',
        field: 'items.1',
        message: 'this store does not sell "Tea"',
      }),
    );
  });
  it('quotes a till’s items: their sum, and its discount off it half-up to the cent, as a purchase totals them', () => {
    const store = giveDiscount(sell(openStore({ ID, Location: 'Seattle' }), [latte, beans]), 15);
    const quoted = quote(store, ['Latte', 'Latte', 'Latte']);
    expect(quoted.products).toEqual([latte, latte, latte]);
    expect(quoted.subtotal.amount).toBe(990);
    expect(quoted.discountPercent).toBe(15);
    // 990 × 0.85 = 841.5: half-up to 842, as Money.percentOff does for a purchase.
    expect(quoted.total.amount).toBe(842);
    expect(quote(giveDiscount(store, 0), ['Beans']).total).toEqual(Money.of(3300, USD));
    expect(() => quote(store, ['Latte', 'Tea'])).toThrow(expect.objectContaining({ field: 'items.1' }));
  });
});

describe('Product (a value object) and CoffeeLover (an entity)', () => {
  it('a product is its name and price, frozen', () => {
    expect(sameProduct(latte, product('Latte', Money.of(330, USD)))).toBe(true);
    expect(sameProduct(latte, product('Latte', Money.of(331, USD)))).toBe(false);
    expect(Object.isFrozen(latte)).toBe(true);
    expect(() => product(' ', Money.of(1, USD))).toThrow('a product needs a name');
  });

  it('a coffee lover is named; their email address is an attribute, kept in lower case', () => {
    expect(
      registerCoffeeLover({ ID, FirstName: ' Ada ', LastName: 'Lovelace', EmailAddress: 'Ada@Example.com' }),
    ).toEqual({ ID, FirstName: 'Ada', LastName: 'Lovelace', EmailAddress: 'ada@example.com' });
    expect(() =>
      registerCoffeeLover({ ID, FirstName: 'Ada', LastName: ' ', EmailAddress: 'ada@example.com' }),
    ).toThrow(expect.objectContaining({ field: 'lastName' }));
  });
});
