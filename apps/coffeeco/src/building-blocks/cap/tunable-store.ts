import type { ManualClock } from './clock.js';
import { type ConsistencyOf, perRead, strong, UnavailableError } from './consistency.js';

export interface ReadOptions {
  /** DynamoDB's choice, per read: `strong` sees the latest write or fails; `eventual` (the default) may lag. */
  readonly consistency: 'eventual' | 'strong';
}

/** What the client of a store with tunable reads may do (CAP-4). */
export interface TunableStoreApi {
  Put(key: string, value: string): void;
  Get(key: string, options?: ReadOptions): string | undefined;
}

export const tunableStoreConsistency: ConsistencyOf<TunableStoreApi> = {
  Put: strong('a write goes to the leader, or fails'),
  Get: perRead(
    'the caller knows whether this read must see its own last write (strong) or may lag (eventual)',
  ),
};

interface Pending {
  readonly key: string;
  readonly value: string;
  readonly visibleAt: number;
}

/**
 * A fake of the book's DynamoDB example (B.1): writes go to a leader; a replica applies them `lagMs` later.
 * A strong read asks the leader (the latest write, or an error when the leader cannot be reached); an
 * eventual read asks the replica (lower latency, always an answer, perhaps the value before the latest write).
 */
export class TunableStore implements TunableStoreApi {
  readonly #leader = new Map<string, string>();
  readonly #replica = new Map<string, string>();
  readonly #pending: Pending[] = [];
  readonly #clock: ManualClock;
  readonly #lagMs: number;
  /** Since when the leader cannot be reached (replication stopped then); undefined when it can. */
  #cutAt: number | undefined;

  constructor(options: { clock: ManualClock; lagMs: number }) {
    this.#clock = options.clock;
    this.#lagMs = options.lagMs;
  }

  Put(key: string, value: string): void {
    if (this.#cutAt !== undefined) {
      throw new UnavailableError('the leader cannot be reached: the write is cancelled');
    }
    this.#leader.set(key, value);
    this.#pending.push({ key, value, visibleAt: this.#clock.now() + this.#lagMs });
  }

  Get(key: string, options: ReadOptions = { consistency: 'eventual' }): string | undefined {
    if (options.consistency === 'strong') {
      if (this.#cutAt !== undefined) {
        throw new UnavailableError('the leader cannot be reached: no strong read');
      }
      return this.#leader.get(key);
    }
    this.#applyDue();
    return this.#replica.get(key);
  }

  /** The client and the replica are cut off from the leader. */
  Partition(): void {
    this.#applyDue();
    this.#cutAt = this.#clock.now();
  }

  Heal(): void {
    this.#cutAt = undefined;
  }

  /** What had reached the replica by now (or by the partition, after which nothing more arrives). */
  #applyDue(): void {
    const until = this.#cutAt ?? this.#clock.now();
    while (this.#pending.length > 0 && this.#pending[0]!.visibleAt <= until) {
      const { key, value } = this.#pending.shift()!;
      this.#replica.set(key, value);
    }
  }
}
