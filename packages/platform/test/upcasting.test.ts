import { createEventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { createRegistry, UpcastError } from '@tessera/platform/registry';
import { migrate } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// The story of one event type: v1 had a single "name"; v2 split it; v3 priced in cents.
const v1 = { name: 'shop.ItemListed', version: 1 };
const v2 = {
  name: 'shop.ItemListed',
  version: 2,
  upcasters: {
    1: (data: unknown) => {
      const { name, price } = data as { name: string; price: number };
      const [brand = '', ...rest] = name.split(' ');
      return { brand, title: rest.join(' '), price };
    },
  },
};
const v3 = {
  name: 'shop.ItemListed',
  version: 3,
  schema: z.strictObject({ brand: z.string(), title: z.string(), priceCents: z.number().int() }),
  upcasters: {
    ...v2.upcasters,
    2: (data: unknown) => {
      const { price, ...rest } = data as { brand: string; title: string; price: string };
      return { ...rest, priceCents: Number(price.replace('.', '')) };
    },
  },
};

describe.each(testDatabases)('upcasting stored events on $backend', (backend) => {
  let opened: OpenedTestDatabase;

  beforeAll(async () => {
    opened = await backend.open();
    await migrate(opened.db, [eventStoreMigrations('up')]);
  });
  afterAll(() => opened.close());

  it('lifts v1 and v2 events to v3 on read, leaving v3 events as they are', async () => {
    const { db } = opened;
    const writeV1 = createEventStore({ db, schema: 'up', registry: createRegistry(v1) });
    const writeV2 = createEventStore({ db, schema: 'up', registry: createRegistry(v2) });
    const current = createEventStore({ db, schema: 'up', registry: createRegistry(v3) });

    await writeV1.append('item-1', [
      { type: 'shop.ItemListed', data: { name: 'Acme Rocket Skates', price: '19.99' } },
    ]);
    await writeV2.append('item-1', [
      { type: 'shop.ItemListed', data: { brand: 'Acme', title: 'Anvil', price: '5.00' } },
    ]);
    await current.append('item-1', [
      { type: 'shop.ItemListed', data: { brand: 'Acme', title: 'Magnet', priceCents: 250 } },
    ]);

    const events = await current.readStream('item-1');
    expect(events.map((e) => e.data)).toEqual([
      { brand: 'Acme', title: 'Rocket Skates', priceCents: 1999 },
      { brand: 'Acme', title: 'Anvil', priceCents: 500 },
      { brand: 'Acme', title: 'Magnet', priceCents: 250 },
    ]);
    // Stored rows keep the version they were written with: nothing is rewritten.
    const { rows } = await db.query<{ schema_version: number }>(
      `SELECT schema_version FROM up.events WHERE stream_name = 'item-1' ORDER BY stream_version`,
    );
    expect(rows.map((r) => r.schema_version)).toEqual([1, 2, 3]);
    expect((await current.readAll()).map((e) => e.data)).toEqual(events.map((e) => e.data));
  });

  it('refuses to write data that does not fit the current schema', async () => {
    const current = createEventStore({ db: opened.db, schema: 'up', registry: createRegistry(v3) });
    await expect(
      current.append('item-2', [
        { type: 'shop.ItemListed', data: { brand: 'Acme', title: 'x', price: '1.00' } },
      ]),
    ).rejects.toThrow();
    expect(await current.streamVersion('item-2')).toBe(0);
  });

  it('fails clearly on an event newer than the code (a rolled-back deploy)', async () => {
    const current = createEventStore({ db: opened.db, schema: 'up', registry: createRegistry(v3) });
    const older = createEventStore({ db: opened.db, schema: 'up', registry: createRegistry(v2) });
    await current.append('item-3', [
      { type: 'shop.ItemListed', data: { brand: 'A', title: 'B', priceCents: 1 } },
    ]);
    await expect(older.readStream('item-3')).rejects.toThrow(UpcastError);
    await expect(older.readStream('item-3')).rejects.toThrow(
      'stored version 3 is newer than this code knows (2)',
    );
  });
});
