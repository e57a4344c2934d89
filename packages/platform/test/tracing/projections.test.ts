import { startProjector } from '@tessera/platform/projections';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counter, happened, NEVER, type Opened, openProjections } from '../projections/support.js';
import { failed, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

describe.each(testDatabases)('the span of a projection batch, on $backend', (backend) => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await openProjections(backend);
  });
  afterAll(() => opened?.close());

  it('is a span per batch, outside any trace, named by the projection', async () => {
    const { db, store } = opened;
    await store.append('Order-p1', [happened(1), happened(2), happened(3)]);
    const projector = await startProjector({ db, store }, counter(db, 'traced-counts'), {
      idleRecheckMs: NEVER,
    });
    try {
      await projector.caughtUp();
      const batch = await spans.named('project traced-counts');
      expect(batch.parentSpanContext).toBeUndefined();
      expect(batch.attributes).toMatchObject({
        'tessera.projection.name': 'traced-counts',
        'tessera.projection.batch_size': 3,
      });
      expect(Number(batch.attributes['tessera.projection.position'])).toBeGreaterThan(0);
      expect(failed(batch)).toBe(false);
    } finally {
      await projector.stop();
    }
  });

  it('marks a failing batch as an error', async () => {
    const { db, store } = opened;
    let failures = 0;
    const failing = counter(db, 'failing-counts', {
      before: async () => {
        if (failures++ === 0) throw new Error('the read model is locked');
      },
    });
    await store.append('Order-p2', [happened(1)]);
    const projector = await startProjector({ db, store }, failing, {
      idleRecheckMs: NEVER,
      onError: () => {},
    });
    try {
      await projector.caughtUp();
      const batch = await spans.named('project failing-counts', failed);
      expect(batch.status.message).toBe('the read model is locked');
      await spans.named('project failing-counts', (s) => !failed(s));
    } finally {
      await projector.stop();
    }
  });
});
