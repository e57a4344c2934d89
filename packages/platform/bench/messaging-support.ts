import { performance } from 'node:perf_hooks';

export {
  cpuModel,
  databaseUrl,
  describeServer,
  SERVER_URL,
  versionOf,
  withAdmin,
} from '../src/testing/bench-machine.js';

import { databaseUrl, withAdmin } from '../src/testing/bench-machine.js';
export const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
/** Keys (aggregates) the messages are spread over: partitions, lanes and segments all run in parallel. */
export const KEYS = 1_000;
/** Producers committing at once, each one business transaction after another (closed loop). */
export const PRODUCERS = 16;
/** A workload that has not moved for this long has failed: it is reported, not waited for. */
const STALL_MS = 30_000;

/** What one workload measured, or why it could not run. */
export interface Result {
  readonly label: string;
  readonly messages: number;
  readonly seconds: number;
  /** ms, one per message, sorted. */
  readonly latencies: readonly number[];
  /** What the producers achieved (messages committed per second), when it differs from the throughput. */
  readonly offered?: number;
  /** Partitions, lanes, batch sizes: how it was set up. */
  readonly setup: string;
  /** Exactly-once check or any other remark. */
  readonly check?: string;
  /** Set when it could not run: the reason replaces the numbers. */
  readonly error?: string;
  /** CPU time of this process (all its threads) per message handled, in ms (pipelines). */
  readonly cpuMsPerMessage?: number;
}

export const rate = (r: Result | undefined) =>
  r && !r.error && r.seconds > 0 ? r.messages / r.seconds : Number.NaN;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const ms = (value: number) =>
  Number.isNaN(value) ? 'n/a' : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`;

export const failed = (label: string, setup: string, error: unknown): Result => ({
  label,
  setup,
  messages: 0,
  seconds: 0,
  latencies: [],
  error: error instanceof Error ? error.message : String(error),
});

/**
 * Times messages from the producer's commit to the consumer's commit of the effect, by message id. An effect
 * committed before the producer's after-commit callback ran (possible, as both are callbacks) counts as 0.
 */
export class Tracker {
  private readonly sent = new Map<string, number>();
  private readonly early = new Map<string, number>();
  private readonly latencies: number[] = [];
  private seen = new Set<string>();
  private waiting: (() => void) | undefined;
  duplicates = 0;
  committed = 0;
  handled = 0;
  first = Number.POSITIVE_INFINITY;
  last = 0;

  constructor(private readonly expected: number) {}

  /** The producer's transaction committed the message. */
  produced(id: string): void {
    const now = performance.now();
    this.committed++;
    const effect = this.early.get(id);
    if (effect === undefined) this.sent.set(id, now);
    else {
      this.early.delete(id);
      this.latencies.push(Math.max(0, effect - now));
    }
  }

  /** A start of the clock for the throughput: the first producer transaction began. */
  started(): void {
    if (this.first === Number.POSITIVE_INFINITY) this.first = performance.now();
  }

  /** The consumer's transaction committed the effect of the message (`at`: when, on `performance.now()`'s clock). */
  effect(id: string, at?: number): void {
    const now = at ?? performance.now();
    if (this.seen.has(id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(id);
    this.handled++;
    this.last = Math.max(this.last, now);
    const sent = this.sent.get(id);
    if (sent === undefined) this.early.set(id, now);
    else {
      this.sent.delete(id);
      this.latencies.push(now - sent);
    }
    if (this.handled >= this.expected) this.waiting?.();
  }

  /** Resolves when every expected effect has committed; prints progress; rejects if nothing moves. */
  async done(label: string): Promise<void> {
    let lastHandled = -1;
    let lastMove = performance.now();
    let lastPrint = performance.now();
    const finished = new Promise<void>((resolve) => {
      this.waiting = resolve;
      if (this.handled >= this.expected) resolve();
    });
    let timer: NodeJS.Timeout | undefined;
    const watch = new Promise<void>((_, reject) => {
      timer = setInterval(() => {
        const now = performance.now();
        if (this.handled !== lastHandled) {
          lastHandled = this.handled;
          lastMove = now;
        } else if (now - lastMove > STALL_MS) {
          reject(
            new Error(
              `stalled: ${this.handled} of ${this.expected} handled, nothing for ${STALL_MS / 1000} s`,
            ),
          );
        }
        if (now - lastPrint >= 2_000) {
          lastPrint = now;
          const elapsed = (now - this.first) / 1000;
          console.log(
            `      ${label}: ${this.committed} committed, ${this.handled} handled after ${elapsed.toFixed(1)} s (${(this.handled / elapsed).toFixed(0)} msg/s so far)`,
          );
        }
      }, 250);
    });
    try {
      await Promise.race([finished, watch]);
    } finally {
      clearInterval(timer);
    }
  }

  result(label: string, setup: string, producedBy: number, check?: string): Result {
    const latencies = [...this.latencies].sort((a, b) => a - b);
    return {
      label,
      setup,
      messages: this.handled,
      seconds: (this.last - this.first) / 1000,
      latencies,
      offered: this.committed / ((producedBy - this.first) / 1000),
      ...(check === undefined ? {} : { check }),
    };
  }
}

/** Runs `produce(i)` for i in 0..count-1 from `concurrency` loops; resolves to when the last one returned. */
export async function produce(
  count: number,
  concurrency: number,
  produceOne: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const loop = async () => {
    while (next < count) await produceOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
  return performance.now();
}

export const keyOf = (i: number) => `order-${i % KEYS}`;

export const payloadOf = (i: number) => ({
  orderId: `o-${i}`,
  sku: `SKU-${(i % 9973).toString().padStart(5, '0')}`,
  quantity: (i % 7) + 1,
  price: 19.99,
  note: 'benchmark message payload',
});

/** Prints a one-line summary of a finished workload. */
export function report(result: Result): void {
  if (result.error) {
    console.log(`    ${result.label.padEnd(40)} NOT MEASURED: ${result.error}`);
    return;
  }
  const l = result.latencies;
  console.log(
    `    ${result.label.padEnd(40)} ${rate(result).toFixed(0).padStart(7)} msg/s  p50 ${ms(percentile(l, 50))}  p99 ${ms(percentile(l, 99))}  (${result.messages} in ${result.seconds.toFixed(2)} s${result.offered ? `; producers ${result.offered.toFixed(0)} msg/s` : ''})`,
  );
  if (result.check) console.log(`    ${''.padEnd(40)} ${result.check}`);
}

// ---------------------------------------------------------------------------------------------------------
// Databases and machine

/** A fresh database; `dropDatabases` removes every one made, at the end. */
const made: string[] = [];
export async function freshDatabase(name: string): Promise<string> {
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  made.push(name);
  return databaseUrl(name);
}
export async function dropDatabases(): Promise<void> {
  await withAdmin(async (client) => {
    for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
