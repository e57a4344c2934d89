import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedId, eventMessage } from '@tessera/platform/messaging';
import { stopsInTurn } from '@tessera/platform/runtime';
import { sqlMigrationSet } from '@tessera/platform/sql';
import { describe, expect, it } from 'vitest';

describe('stopsInTurn', () => {
  it('stops each step after the one before, and the members of a list together', async () => {
    const log: string[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const step = (name: string, waitFor?: Promise<void>) => ({
      async stop() {
        log.push(`${name} stopping`);
        await waitFor;
        log.push(`${name} stopped`);
      },
    });
    const stopping = stopsInTurn([step('a', slow), step('b')], step('c')).stop?.();
    await Promise.resolve();
    // Both members of the list started stopping; the next step waits for the slow one.
    expect(log).toEqual(['a stopping', 'b stopping', 'b stopped']);
    release();
    await stopping;
    expect(log).toEqual(['a stopping', 'b stopping', 'b stopped', 'a stopped', 'c stopping', 'c stopped']);
  });
});

describe('eventMessage', () => {
  it('derives its id from the event, so that a retried publication is the same message', () => {
    const event = { id: 'b6a1c1de-0000-4000-8000-000000000001' };
    const first = eventMessage(
      event,
      { type: 'shop.Made', data: { n: 1 } },
      { subject: 'shop.events', key: 'k' },
    );
    const again = eventMessage(
      event,
      { type: 'shop.Made', data: { n: 1 } },
      { subject: 'shop.events', key: 'k' },
    );
    expect(first).toEqual({
      id: derivedId(event.id, 0),
      type: 'shop.Made',
      subject: 'shop.events',
      key: 'k',
      data: { n: 1 },
    });
    expect(again.id).toBe(first.id);
    expect(eventMessage({ id: 'b6a1c1de-0000-4000-8000-000000000002' }, first, first).id).not.toBe(first.id);
  });
});

describe('sqlMigrationSet', () => {
  it('names the set and reads its NNN_name.sql files in order; a gap is refused', () => {
    const folder = mkdtempSync(join(tmpdir(), 'migrations-'));
    try {
      writeFileSync(join(folder, '002_more.sql'), 'SELECT 2;');
      writeFileSync(join(folder, '001_first.sql'), 'SELECT 1;');
      expect(sqlMigrationSet('shop', folder)).toEqual({
        name: 'shop',
        migrations: [
          { version: 1, name: 'first', sql: 'SELECT 1;' },
          { version: 2, name: 'more', sql: 'SELECT 2;' },
        ],
      });
      writeFileSync(join(folder, '004_gap.sql'), 'SELECT 4;');
      expect(() => sqlMigrationSet('shop', folder)).toThrow('without gaps');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
