import type { ManualClock } from './clock.js';
import { type ConsistencyOf, eventual, UnavailableError } from './consistency.js';

/** What the client of an AP store may do: write to and read from any node. */
export interface ApStore {
  Write(node: string, key: string, value: string): void;
  Read(node: string, key: string): string | undefined;
}

export const apStoreConsistency: ConsistencyOf<ApStore> = {
  Write: eventual('any node takes a write, partition or not; replicas converge by last-write-wins'),
  Read: eventual('a node answers with what it has, which may not be the latest write elsewhere'),
};

interface Stamped {
  readonly value: string;
  /** When it was written (the writer's clock), then the writing node: the last-write-wins order. */
  readonly at: number;
  readonly node: string;
}

const later = (a: Stamped, b: Stamped) => a.at > b.at || (a.at === b.at && a.node > b.node);

/**
 * A fake of the book's AP database (Cassandra, CAP-3): no primary, every node takes writes, no single point
 * of failure. A write reaches the nodes on its side of a partition; reads may be stale. When the partition
 * heals, every node keeps, per key, the write with the latest timestamp (ties: the greater node name), so
 * all converge on one value whatever order they heard things in: last-write-wins, which loses the earlier of
 * two concurrent writes by design.
 */
export class LeaderlessStore implements ApStore {
  readonly #data = new Map<string, Map<string, Stamped>>();
  readonly #clock: ManualClock;
  /** Which side of a partition each node is on; one side when there is none. */
  #side = new Map<string, number>();

  constructor(clock: ManualClock, nodes: readonly string[] = ['n1', 'n2', 'n3']) {
    this.#clock = clock;
    for (const node of nodes) {
      this.#data.set(node, new Map());
      this.#side.set(node, 0);
    }
  }

  Write(node: string, key: string, value: string): void {
    const stamped: Stamped = { value, at: this.#clock.now(), node };
    for (const peer of this.#reachableFrom(node)) this.#merge(peer, key, stamped);
  }

  Read(node: string, key: string): string | undefined {
    return this.#store(node).get(key)?.value;
  }

  /** Cuts the nodes into groups that cannot reach each other. */
  Partition(...groups: ReadonlyArray<readonly string[]>): void {
    const side = new Map<string, number>();
    groups.forEach((group, index) => {
      for (const node of group) side.set(node, index);
    });
    for (const node of this.#data.keys()) if (!side.has(node)) throw new RangeError(`${node} is in no group`);
    this.#side = side;
  }

  /** Every node reaches every other again, and they exchange what they have (anti-entropy). */
  Heal(): void {
    for (const node of this.#data.keys()) this.#side.set(node, 0);
    for (const from of this.#data.values()) {
      for (const [key, stamped] of from)
        for (const node of this.#data.keys()) this.#merge(node, key, stamped);
    }
  }

  #reachableFrom(node: string): string[] {
    const side = this.#side.get(node);
    if (side === undefined) throw new UnavailableError(`no node ${node}`);
    return [...this.#data.keys()].filter((peer) => this.#side.get(peer) === side);
  }

  #merge(node: string, key: string, stamped: Stamped): void {
    const store = this.#store(node);
    const held = store.get(key);
    if (!held || later(stamped, held)) store.set(key, stamped);
  }

  #store(node: string): Map<string, Stamped> {
    const store = this.#data.get(node);
    if (!store) throw new UnavailableError(`no node ${node}`);
    return store;
  }
}
