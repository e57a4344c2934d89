import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { createRegistry } from '@tessera/platform/registry';
import { migrate, openDatabase } from '@tessera/platform/sql';
import { afterAll, describe, expect, it } from 'vitest';

describe('embedded database on disk', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'tessera-')), 'data');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps events and migrations across a restart', async () => {
    const registry = createRegistry({ name: 'p.Kept', version: 1 });
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    const set = eventStoreMigrations('kept');
    expect(await migrate(first, [set])).toHaveLength(set.migrations.length);
    await createEventStore({ db: first, schema: 'kept', registry }).append('kept-1', [
      { type: 'p.Kept', data: { n: 1 } },
    ]);
    await first.close();

    const second = await openDatabase({ dataDir });
    expect(await migrate(second, [eventStoreMigrations('kept')])).toEqual([]);
    const events = await createEventStore({ db: second, schema: 'kept', registry }).readStream('kept-1');
    expect(events.map((e) => e.data)).toEqual([{ n: 1 }]);
    await second.close();
  });
});
