import { describe, expect, it } from 'vitest';
import { orderRepositoryConsistency } from '../../src/building-blocks/aggregates/order-repository.js';
import { apStoreConsistency, LeaderlessStore } from '../../src/building-blocks/cap/ap-store.js';
import { ManualClock } from '../../src/building-blocks/cap/clock.js';
import { type ConsistencyDeclaration, UnavailableError } from '../../src/building-blocks/cap/consistency.js';
import { cpStoreConsistency, ReplicaSet } from '../../src/building-blocks/cap/cp-replica-set.js';
import { TunableStore, tunableStoreConsistency } from '../../src/building-blocks/cap/tunable-store.js';
import { bookingRepositoryConsistency } from '../../src/building-blocks/repositories/booking-repository.js';
import { hairDresserCalendarConsistency } from '../../src/building-blocks/repositories/hair-dresser-calendar.js';

describe('CAP-2: a CP replica set (the book’s Mongo)', () => {
  it('writes go to the primary, and primary reads see the latest acknowledged write', () => {
    const set = new ReplicaSet();
    set.Write('latte', '350');
    set.Write('latte', '375');
    expect(set.Primary()).toBe('a');
    expect(set.Read('latte')).toBe('375');
  });

  it('secondary reads are opt-in, and may be stale', () => {
    const set = new ReplicaSet();
    set.Write('latte', '350');
    set.Replicate();
    set.Write('latte', '375'); // acknowledged by a and b (a majority); c is behind
    expect(set.Read('latte')).toBe('375');
    expect(set.ReadFromSecondary('latte', 'b')).toBe('375');
    expect(set.ReadFromSecondary('latte')).toBe('350');
    set.Replicate();
    expect(set.ReadFromSecondary('latte')).toBe('375');
  });

  it('losing the primary makes it unavailable until a promotion; no acknowledged write is lost', () => {
    const set = new ReplicaSet();
    set.Write('latte', '350');
    set.Write('mocha', '400');
    set.KillPrimary();
    expect(() => set.Write('latte', '1')).toThrow(UnavailableError);
    expect(() => set.Read('latte')).toThrow(
      new UnavailableError('no primary: the replica set is electing one'),
    );
    set.Elect();
    // b had every acknowledged write (the majority's other member); c lagged and caught up from it.
    expect(set.Primary()).toBe('b');
    expect(set.Read('latte')).toBe('350');
    expect(set.Read('mocha')).toBe('400');
    set.Write('latte', '360');
    set.Restart('a');
    set.KillPrimary();
    set.Elect();
    expect(set.Read('latte')).toBe('360');
    expect(set.Read('mocha')).toBe('400');
  });

  it('promotes the secondary with the most recent data, not the first one', () => {
    const set = new ReplicaSet(['a', 'b', 'c', 'd', 'e']);
    set.Write('latte', '350');
    set.Replicate();
    set.Write('latte', '375'); // acknowledged by a, b, c only
    set.KillPrimary();
    set.Elect();
    expect(set.Read('latte')).toBe('375');
  });

  it('CAP-1: cut off from its majority, it cancels writes rather than risk losing them', () => {
    const set = new ReplicaSet();
    set.Write('latte', '350');
    set.KillPrimary();
    set.Elect(); // b
    set.KillPrimary(); // b too: one node of three left
    expect(() => set.Elect()).toThrow(new UnavailableError('no majority to elect a primary'));
    expect(() => set.Write('latte', '1')).toThrow(UnavailableError);
    expect(() => set.Read('latte')).toThrow(UnavailableError);
  });
});

describe('CAP-3: an AP store (the book’s Cassandra)', () => {
  it('any node takes a write, on either side of a partition; reads there may be stale', () => {
    const clock = new ManualClock(1000);
    const store = new LeaderlessStore(clock);
    store.Write('n1', 'latte', '350');
    expect(['n1', 'n2', 'n3'].map((node) => store.Read(node, 'latte'))).toEqual(['350', '350', '350']);
    store.Partition(['n1', 'n2'], ['n3']);
    clock.advance(10);
    store.Write('n1', 'latte', '375');
    clock.advance(10);
    store.Write('n3', 'mocha', '400');
    // No error anywhere: each side answers with what it has.
    expect(store.Read('n2', 'latte')).toBe('375');
    expect(store.Read('n3', 'latte')).toBe('350');
    expect(store.Read('n1', 'mocha')).toBeUndefined();
  });

  it('after the partition heals, every node converges on the last write (last-write-wins)', () => {
    const clock = new ManualClock(1000);
    const store = new LeaderlessStore(clock);
    store.Write('n2', 'latte', '350');
    store.Partition(['n1'], ['n2', 'n3']);
    clock.advance(5);
    store.Write('n2', 'latte', '360'); // earlier
    clock.advance(5);
    store.Write('n1', 'latte', '380'); // later: wins, although the other side is the larger
    store.Heal();
    expect(['n1', 'n2', 'n3'].map((node) => store.Read(node, 'latte'))).toEqual(['380', '380', '380']);
  });

  it('breaks a tie of timestamps the same way on every node', () => {
    const clock = new ManualClock(1000);
    const store = new LeaderlessStore(clock);
    store.Partition(['n1'], ['n2'], ['n3']);
    store.Write('n3', 'latte', 'from n3');
    store.Write('n1', 'latte', 'from n1');
    store.Heal();
    expect(['n1', 'n2', 'n3'].map((node) => store.Read(node, 'latte'))).toEqual([
      'from n3',
      'from n3',
      'from n3',
    ]);
  });
});

describe('CAP-4: the caller chooses each read’s consistency (the book’s DynamoDB)', () => {
  it('a strong read right after a write sees it; an eventual one may not, until the lag has passed', () => {
    const clock = new ManualClock();
    const store = new TunableStore({ clock, lagMs: 100 });
    store.Put('latte', '350');
    clock.advance(100);
    store.Put('latte', '375');
    expect(store.Get('latte', { consistency: 'strong' })).toBe('375');
    expect(store.Get('latte', { consistency: 'eventual' })).toBe('350');
    expect(store.Get('latte')).toBe('350'); // eventual by default, as DynamoDB's
    clock.advance(99);
    expect(store.Get('latte', { consistency: 'eventual' })).toBe('350');
    clock.advance(1);
    expect(store.Get('latte', { consistency: 'eventual' })).toBe('375');
  });

  it('CAP-1: during a partition a strong read cancels; an eventual read proceeds, perhaps stale', () => {
    const clock = new ManualClock();
    const store = new TunableStore({ clock, lagMs: 100 });
    store.Put('latte', '350');
    clock.advance(100);
    store.Put('latte', '375');
    store.Partition();
    expect(() => store.Get('latte', { consistency: 'strong' })).toThrow(UnavailableError);
    expect(() => store.Put('latte', '400')).toThrow(UnavailableError);
    clock.advance(1000);
    // The replica cannot hear the leader: it answers with what it has, never an error.
    expect(store.Get('latte', { consistency: 'eventual' })).toBe('350');
    store.Heal();
    expect(store.Get('latte', { consistency: 'eventual' })).toBe('375');
  });
});

describe('CAP-5: each operation declares its consistency, per use case', () => {
  const ports: Record<string, { declared: Record<string, ConsistencyDeclaration>; methods: string[] }> = {
    ReplicaSet: {
      declared: cpStoreConsistency,
      methods: ['Write', 'Read', 'ReadFromSecondary'],
    },
    LeaderlessStore: { declared: apStoreConsistency, methods: ['Write', 'Read'] },
    TunableStore: { declared: tunableStoreConsistency, methods: ['Put', 'Get'] },
    BookingRepository: { declared: bookingRepositoryConsistency, methods: ['SaveBooking', 'DeleteBooking'] },
    HairDresserCalendar: { declared: hairDresserCalendarConsistency, methods: ['BookingsOf'] },
    OrderRepository: { declared: orderRepositoryConsistency, methods: ['SaveOrder', 'OrderByID'] },
  };

  it.each(Object.entries(ports))(
    '%s declares every operation, with a reason',
    (_port, { declared, methods }) => {
      expect(Object.keys(declared).sort()).toEqual([...methods].sort());
      for (const declaration of Object.values(declared)) {
        expect(declaration.why.length).toBeGreaterThan(10);
        const pairs = { strong: 'cancel', eventual: 'proceed', 'per-read': 'per-read' } as const;
        expect(declaration.duringPartition).toBe(pairs[declaration.consistency]);
      }
    },
  );

  it('the fakes’ client operations are exactly the declared ones', () => {
    const operations = (type: object, controls: string[]) =>
      Object.getOwnPropertyNames(type)
        .filter((name) => name !== 'constructor' && !controls.includes(name))
        .sort();
    expect(
      operations(ReplicaSet.prototype, ['Primary', 'Replicate', 'KillPrimary', 'Elect', 'Restart']),
    ).toEqual(Object.keys(cpStoreConsistency).sort());
    expect(operations(LeaderlessStore.prototype, ['Partition', 'Heal'])).toEqual(
      Object.keys(apStoreConsistency).sort(),
    );
    expect(operations(TunableStore.prototype, ['Partition', 'Heal'])).toEqual(
      Object.keys(tunableStoreConsistency).sort(),
    );
  });

  it('one system mixes them: the booking is written strongly, the calendar read eventually', () => {
    expect(bookingRepositoryConsistency.SaveBooking.consistency).toBe('strong');
    expect(hairDresserCalendarConsistency.BookingsOf.consistency).toBe('eventual');
  });
});
