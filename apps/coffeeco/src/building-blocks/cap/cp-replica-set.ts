import { type ConsistencyOf, eventual, strong, UnavailableError } from './consistency.js';

/** What the client of a CP store may do. */
export interface CpStore {
  Write(key: string, value: string): void;
  Read(key: string): string | undefined;
  ReadFromSecondary(key: string, secondary?: string): string | undefined;
}

export const cpStoreConsistency: ConsistencyOf<CpStore> = {
  Write: strong('acknowledged only once a majority has it, so no promotion can lose it'),
  Read: strong('the primary has every acknowledged write; without a primary there is no answer'),
  ReadFromSecondary: eventual('opt-in: a secondary may lag the primary, but answers during an election'),
};

interface Node {
  readonly name: string;
  up: boolean;
  /** The writes it has applied, in the primary's order. */
  readonly log: Array<readonly [string, string]>;
}

/**
 * A fake of the book's CP database (Mongo's replica set, CAP-2): one primary takes every write and is read by
 * default; secondaries copy it. A write is acknowledged once a majority of the set has it (the primary and
 * the first secondary it reaches); the others catch up on `Replicate()`. When the primary is lost, the set is
 * unavailable (writes and primary reads fail) until `Elect()` promotes the secondary with the most recent
 * data and the others catch up from it: no acknowledged write is lost.
 */
export class ReplicaSet implements CpStore {
  readonly #nodes: Node[];
  #primary: Node | undefined;

  constructor(names: readonly string[] = ['a', 'b', 'c']) {
    if (names.length < 3 || names.length % 2 === 0)
      throw new RangeError('a replica set has an odd number ≥ 3');
    this.#nodes = names.map((name) => ({ name, up: true, log: [] }));
    this.#primary = this.#nodes[0];
  }

  Primary(): string | undefined {
    return this.#primary?.name;
  }

  Write(key: string, value: string): void {
    const primary = this.#available();
    const secondaries = this.#nodes.filter((node) => node !== primary && node.up);
    // The majority's other members first; a set without a majority cancels the write rather than risk it.
    const majority = Math.floor(this.#nodes.length / 2) + 1;
    if (1 + secondaries.length < majority) throw new UnavailableError('no majority: the write is cancelled');
    primary.log.push([key, value]);
    for (const node of secondaries.slice(0, majority - 1)) this.#catchUp(node, primary);
  }

  Read(key: string): string | undefined {
    return valueIn(this.#available(), key);
  }

  /**
   * A secondary's copy, which may be behind the primary: the caller chose to accept that. Of the secondaries
   * that are up, `secondary` or else the last one (the one a majority write reaches last).
   */
  ReadFromSecondary(key: string, secondary?: string): string | undefined {
    const candidates = this.#nodes.filter((node) => node !== this.#primary && node.up);
    const node = secondary === undefined ? candidates.at(-1) : candidates.find((n) => n.name === secondary);
    if (!node) throw new UnavailableError('no such secondary is up');
    return valueIn(node, key);
  }

  /** Brings every secondary that is up level with the primary. */
  Replicate(): void {
    const primary = this.#available();
    for (const node of this.#nodes) if (node !== primary && node.up) this.#catchUp(node, primary);
  }

  /** The primary's node goes down (or is cut off from the others): no primary until an election. */
  KillPrimary(): void {
    if (this.#primary) this.#primary.up = false;
    this.#primary = undefined;
  }

  /** Promotes the secondary that is up with the longest log, then lets the others catch up from it. */
  Elect(): void {
    const candidates = this.#nodes.filter((node) => node.up);
    if (candidates.length < Math.floor(this.#nodes.length / 2) + 1) {
      throw new UnavailableError('no majority to elect a primary');
    }
    const primary = candidates.reduce((best, node) => (node.log.length > best.log.length ? node : best));
    this.#primary = primary;
    for (const node of candidates) if (node !== primary) this.#catchUp(node, primary);
  }

  /** A node that was down comes back as a secondary and catches up. */
  Restart(name: string): void {
    const node = this.#nodes.find((n) => n.name === name);
    if (!node) throw new RangeError(`no node ${name}`);
    node.up = true;
    // What it had beyond the primary was never acknowledged to a majority: it is discarded, as Mongo's rollback.
    if (this.#primary) {
      node.log.splice(0, node.log.length);
      this.#catchUp(node, this.#primary);
    }
  }

  #available(): Node {
    if (!this.#primary?.up) throw new UnavailableError('no primary: the replica set is electing one');
    return this.#primary;
  }

  #catchUp(node: Node, from: Node): void {
    node.log.push(...from.log.slice(node.log.length));
  }
}

function valueIn(node: Node, key: string): string | undefined {
  for (let i = node.log.length - 1; i >= 0; i--) if (node.log[i]![0] === key) return node.log[i]![1];
  return undefined;
}
