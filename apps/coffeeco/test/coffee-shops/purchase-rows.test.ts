import { migrate, type SqlClient } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fromDomain,
  postgresPurchases,
  toDomain,
} from '../../src/coffee-shops/adapters/postgres/purchases.js';
import { Money, USD } from '../../src/coffee-shops/domain/money.js';
import { product } from '../../src/coffee-shops/domain/product.js';
import type { PurchaseState } from '../../src/coffee-shops/domain/purchase.js';
import { coffeeShopsModule } from '../../src/coffee-shops/module.js';

/** The columns, as the row type documents them (adapters/postgres/purchases.ts), in table order. */
const COLUMNS = [
  'id',
  'store_id',
  'coffee_lover_id',
  'products_purchased',
  'purchase_total',
  'currency',
  'payment_means',
  'card_token',
  'status',
  'charge_id',
  'failure_code',
  'failure_reason',
  'created_at',
  'completed_at',
];

const card: PurchaseState = {
  id: crypto.randomUUID(),
  storeId: crypto.randomUUID(),
  coffeeLoverId: crypto.randomUUID(),
  ProductsToPurchase: [product('item1', Money.of(3300, USD)), product('Latte', Money.of(450, USD))],
  PaymentMeans: 'card',
  CardToken: 'tok_visa',
  total: Money.of(3375, USD),
  timeOfPurchase: new Date('2026-03-01T08:30:00.123Z'),
  status: 'pending',
};

// CC-13, for PostgreSQL instead of the book's Mongo: a row type of its own, mapped both ways, every column named.
describe.each(testDatabases)('CC-13: the purchases’ rows, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let db: SqlClient;
  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
    await migrate(db, [...coffeeShopsModule.migrations]);
  });
  afterAll(() => opened?.close());

  it('keeps the book’s Mongo keys as column names, and the ones we added', async () => {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'coffeeco_coffee_shops' AND table_name = 'purchases' ORDER BY ordinal_position`,
    );
    expect(rows.map((row) => row.column_name)).toEqual(COLUMNS);
    expect(Object.keys(fromDomain(card))).toEqual(COLUMNS);
  });

  it('maps a purchase to its row and back without loss: id, products, total in cents, means, time, token', () => {
    expect(toDomain(fromDomain(card))).toEqual(card);
    expect(fromDomain(card)).toMatchObject({
      products_purchased: [
        { item_name: 'item1', base_price_cents: 3300, currency: 'USD' },
        { item_name: 'Latte', base_price_cents: 450, currency: 'USD' },
      ],
      purchase_total: 3375,
      payment_means: 'card',
      card_token: 'tok_visa',
      created_at: card.timeOfPurchase,
    });
  });

  it('round-trips through the table: pending, then settled once (completed), never again', async () => {
    const purchases = postgresPurchases(db);
    expect(await purchases.insertPending(card)).toBe(true);
    expect(await purchases.insertPending(card)).toBe(false);
    expect(await purchases.find(card.id)).toEqual(card);

    const completed: PurchaseState = {
      ...card,
      status: 'completed',
      chargeId: 'ch_123',
      completedAt: new Date('2026-03-01T08:30:01.456Z'),
    };
    expect(await purchases.settle(completed)).toBe(true);
    expect(
      await purchases.settle({ ...card, status: 'failed', failure: { code: 'card_declined', reason: 'no' } }),
    ).toBe(false);
    expect(await purchases.find(card.id)).toEqual(completed);
  });

  it('keeps a cash purchase without a coffee lover or a token, and a failed one with its failure', async () => {
    const purchases = postgresPurchases(db);
    const { coffeeLoverId: _lover, CardToken: _token, ...rest } = card;
    const cash: PurchaseState = { ...rest, id: crypto.randomUUID(), PaymentMeans: 'cash' };
    await purchases.insertPending(cash);
    expect(await purchases.find(cash.id)).toEqual(cash);

    const declined: PurchaseState = { ...card, id: crypto.randomUUID() };
    await purchases.insertPending(declined);
    const failure = { code: 'card_declined', reason: 'card charge failed, cancelling purchase' };
    await purchases.settle({ ...declined, status: 'failed', failure });
    expect(await purchases.find(declined.id)).toEqual({ ...declined, status: 'failed', failure });
  });

  it('refuses, as a table, a completed card purchase without its charge', async () => {
    const purchases = postgresPurchases(db);
    const unpaid: PurchaseState = { ...card, id: crypto.randomUUID() };
    await purchases.insertPending(unpaid);
    await expect(
      purchases.settle({ ...unpaid, status: 'completed', completedAt: new Date() }),
    ).rejects.toThrow();
  });
});
