import {
  type AggregateType,
  conflict,
  type DomainEvent,
  stateStored,
  type Versioned,
} from '@tessera/platform/ddd';
import { derivedId, type Envelope, publishMessages, publishSaveMessages } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';

type Event = DomainEvent<'Counted', { by: number }>;
const counter: AggregateType<number, Event> = {
  name: 'test.Counter',
  initialState: 0,
  evolve: (state, event) => state + event.data.by,
};
const count = (by: number): Event[] => (by === 0 ? [] : [{ type: 'Counted', data: { by } }]);

/** Rows in memory with optimistic concurrency, and a log of what happens in which transaction. */
function world(options: { failSave?: boolean } = {}) {
  const rows = new Map<string, Versioned<number>>();
  const log: string[] = [];
  let transactions = 0;
  const kit = stateStored({
    db: {
      async transaction(work) {
        const number = ++transactions;
        log.push(`begin ${number}`);
        const result = await work();
        log.push(`commit ${number}`);
        return result;
      },
    },
    aggregate: counter,
    repository: {
      load: async (id) => rows.get(id) ?? { state: counter.initialState, version: 0 },
      async save(id, state, expectedVersion, options?: { note: string }) {
        if (options?.note) log.push(`note ${options.note}`);
        if ((rows.get(id)?.version ?? 0) !== expectedVersion) {
          throw conflict('concurrent_modification', 'moved');
        }
        rows.set(id, { state, version: expectedVersion + 1 });
        log.push(`save ${id} ${state} at ${expectedVersion}`);
      },
    },
    async onSaved(change) {
      if (options.failSave) throw new Error('outbox down');
      log.push(
        `saved ${change.id} ${change.before}->${change.state} v${change.version} (${change.events.length})`,
      );
    },
  });
  return { kit, rows, log };
}

describe('stateStored', () => {
  it('loads, decides, saves at the loaded version and runs onSaved, in one transaction', async () => {
    const { kit, rows, log } = world();
    const first = await kit.update('a', (state) => count(state + 2));
    const second = await kit.update('a', () => count(3));
    expect(first).toEqual({ id: 'a', before: 0, state: 2, events: count(2), version: 1 });
    expect(second).toMatchObject({ before: 2, state: 5, version: 2 });
    expect(rows.get('a')).toEqual({ state: 5, version: 2 });
    expect(log).toEqual([
      'begin 1',
      'save a 2 at 0',
      'saved a 0->2 v1 (1)',
      'commit 1',
      'begin 2',
      'save a 5 at 1',
      'saved a 2->5 v2 (1)',
      'commit 2',
    ]);
  });

  it('writes nothing for a decision of no events, and answers the loaded state and version', async () => {
    const { kit, log } = world();
    await kit.update('a', () => count(1));
    log.length = 0;
    const change = await kit.update('a', () => count(0));
    expect(change).toEqual({ id: 'a', before: 1, state: 1, events: [], version: 1 });
    expect(log).toEqual(['begin 2', 'commit 2']);
  });

  it('apply joins the caller: several aggregates change in one transaction, with save options passed on', async () => {
    const { kit, log } = world();
    const [a, b] = await Promise.all([kit.load('a'), kit.load('b')]);
    await kit.apply('a', a, count(1), { note: 'first' });
    await kit.apply('b', b, count(2));
    expect(log).toEqual([
      'note first',
      'save a 1 at 0',
      'saved a 0->1 v1 (1)',
      'save b 2 at 0',
      'saved b 0->2 v1 (1)',
    ]);
  });

  it('lets a conflict and a failing onSaved fail the change', async () => {
    const { kit } = world();
    const stale = await kit.load('a');
    await kit.update('a', () => count(1));
    await expect(kit.apply('a', stale, count(1))).rejects.toMatchObject({ kind: 'conflict' });
    await expect(world({ failSave: true }).kit.update('a', () => count(1))).rejects.toThrow('outbox down');
  });
});

describe('publishing a change’s messages', () => {
  const published: Envelope[][] = [];
  const publisher = {
    publish: async (envelopes: readonly Envelope[]) => void published.push([...envelopes]),
  };
  const message = (key: string) => ({
    type: 'testapi.Counted',
    subject: 'test.events.Counter',
    key,
    data: { key },
  });

  it('publishes nothing for no messages, and the messages from their source otherwise', async () => {
    published.length = 0;
    await publishMessages(publisher, 'test', []);
    await publishMessages(publisher, 'test', [{ ...message('a'), id: 'fixed' }]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject([{ id: 'fixed', source: 'test', key: 'a', type: 'testapi.Counted' }]);
  });

  it('names the messages of a save by key, version and place: the same save again has the same ids', async () => {
    published.length = 0;
    await publishSaveMessages(publisher, 'test', [message('a'), message('a')], 3);
    await publishSaveMessages(publisher, 'test', [message('a'), message('a')], 3);
    await publishSaveMessages(publisher, 'test', [message('a')], 4);
    const ids = published.map((envelopes) => envelopes.map((envelope) => envelope.id));
    expect(ids[0]).toEqual([derivedId('a@3', 0), derivedId('a@3', 1)]);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual([derivedId('a@4', 0)]);
  });
});
