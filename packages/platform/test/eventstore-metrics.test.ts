import { metricsRegistry } from '@tessera/platform/observability';
import { createRegistry } from '@tessera/platform/registry';
import { pgliteTestDatabase } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../src/eventstore/index.js';
import { openEventStore } from './support/event-store.js';
import { openedForSuite } from './support/suite.js';

const registry = createRegistry({ name: 'test.Happened', version: 1 });
const happened = (n: number) => ({ type: 'test.Happened', data: { n } });

/** The value of one series of a metric, 0 before it has any. */
async function seriesValue(name: string, schema: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => value.labels.schema === schema)?.value ?? 0;
}

describe('the event store counts what it does', () => {
  const schema = 'es_metrics';
  const opened = openedForSuite(() => openEventStore(pgliteTestDatabase, schema, registry));

  it('counts events once committed, not those rolled back, and the appends refused by their expected version', async () => {
    const { store } = opened;
    const before = await seriesValue('eventstore_events_appended_total', schema);
    await store.append('counted-1', [happened(1), happened(2)], { expectedVersion: 'no_stream' });
    expect(await seriesValue('eventstore_events_appended_total', schema)).toBe(before + 2);

    await expect(
      opened.db.transaction(async () => {
        await store.append('counted-2', [happened(3)]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await seriesValue('eventstore_events_appended_total', schema)).toBe(before + 2);

    const conflicts = await seriesValue('eventstore_append_conflicts_total', schema);
    await expect(
      store.append('counted-1', [happened(4)], { expectedVersion: 'no_stream' }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await seriesValue('eventstore_append_conflicts_total', schema)).toBe(conflicts + 1);
  });
});
