import { randomUUID } from 'node:crypto';
import { identifier } from '../../sql/errors.js';
import type { SqlClient } from '../../sql/index.js';

/**
 * Who handles which lane (ADR 0008, "Lanes"). A group's partitions are lanes; a member (one subscription in
 * one process) handles a lane only while it holds the lane's lease, a row in PostgreSQL. Holding a lane
 * alone is what lets a member take many of its messages at once and commit them in one transaction, while
 * the lane's order holds across the members of the group.
 *
 * The lease is a time in the database (`expires_at`). Members renew theirs, share the lanes out evenly
 * (⌈lanes / live members⌉ each), release what they hold beyond their share, and claim free or expired
 * lanes. A member stops fetching from a lane once its lease has less than `fetchMarginMs` left (the
 * broker sets it above the JetStream ack wait, plus time for the server to notice), so when another member
 * can claim an expired lane, whatever the old holder fetched has been handed back to the stream for
 * redelivery, ahead of anything newer. A handling transaction holds a key-share lock on its lane's row
 * after checking the lease (`fence`), so a claim cannot succeed between that check and its commit.
 */
export interface LeaseOptions {
  db: SqlClient;
  schema: string;
  group: string;
  /** Lanes 0 … lanes−1. */
  lanes: number;
  leaseMs: number;
  fetchMarginMs: number;
  /** Start handling a lane this member now holds. */
  acquired(lane: number): void;
  /** Stop handling a lane (finish the batch in flight, hand back the rest); resolves when it has. */
  release(lane: number): Promise<void>;
  /** The lease of a lane was lost (another member holds it, or it could not be renewed in time). */
  lost(lane: number): void;
  onError(error: unknown): void;
}

export interface Leases {
  readonly member: string;
  /** Whether this member may still fetch from `lane` (its lease has more than the margin left). */
  mayFetch(lane: number): boolean;
  /**
   * An SQL condition, for the handling's transaction, that holds if this member holds `lane`; the lane's row
   * stays key-share locked until the transaction ends, so nobody can claim the lane before its commit. Its
   * parameters are numbered from `firstParam`.
   */
  fence(lane: number, firstParam: number): { sql: string; params: unknown[] };
  /**
   * Forgets a lane whose handling ended by itself: a cycle acquires it again if the lease is still ours, once
   * `restMs` have passed (what an abandoned lane held is redelivered only after the ack wait, and must be
   * fetched before anything newer).
   */
  forget(lane: number, restMs?: number): void;
  /** Runs a cycle now (renew, rebalance, claim). The first one runs when the caller is ready for `acquired`. */
  cycle(): Promise<void>;
  /** Stops renewing; with `release`, hands every lane back at once (a clean stop), else they expire (a crash). */
  stop(release: boolean): Promise<void>;
}

export async function startLeases(options: LeaseOptions): Promise<Leases> {
  const { db, group, lanes, leaseMs } = options;
  const s = identifier(options.schema);
  const member = randomUUID();
  /** Held lanes → when their lease ends at the latest, on this process's monotonic clock. */
  const held = new Map<number, number>();
  /** Lanes this member abandoned → until when it must not start them again (monotonic clock). */
  const resting = new Map<number, number>();
  const rests = (lane: number) => {
    const until = resting.get(lane);
    if (until !== undefined && performance.now() < until) return true;
    resting.delete(lane);
    return false;
  };
  let stopped = false;
  let running: Promise<void> | undefined;

  await db.query(
    `INSERT INTO ${s}.lanes (group_name, lane)
     SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING`,
    [group, lanes],
  );

  const interval = `$2 * interval '1 millisecond'`;

  async function runCycle() {
    const sentAt = performance.now();
    const share = await db.transaction(async () => {
      await db.query(
        `INSERT INTO ${s}.lane_members (group_name, member, expires_at) VALUES ($1, $3, now() + ${interval})
         ON CONFLICT (group_name, member) DO UPDATE SET expires_at = excluded.expires_at`,
        [group, leaseMs, member],
      );
      const { rows } = await db.query<{ live: number }>(
        `WITH gone AS (DELETE FROM ${s}.lane_members WHERE group_name = $1 AND expires_at < now())
         SELECT count(*)::int AS live FROM ${s}.lane_members WHERE group_name = $1 AND expires_at >= now()`,
        [group],
      );
      return Math.ceil(lanes / Math.max(1, rows[0]!.live));
    });
    if (stopped) return;

    const { rows: renewed } = await db.query<{ lane: number }>(
      `UPDATE ${s}.lanes SET expires_at = now() + ${interval}
        WHERE group_name = $1 AND owner = $3 RETURNING lane`,
      [group, leaseMs, member],
    );
    const mine = new Set(renewed.map((row) => row.lane));
    for (const lane of [...held.keys()]) {
      if (!mine.has(lane)) {
        held.delete(lane);
        options.lost(lane);
      }
    }
    /** Lanes still ours but resting: part of the share, not started. */
    let restingMine = 0;
    for (const lane of mine) {
      const wasHeld = held.has(lane);
      // Renewed all the same: nobody else takes the lane meanwhile.
      if (!wasHeld && rests(lane)) {
        restingMine++;
        continue;
      }
      held.set(lane, sentAt + leaseMs);
      if (!wasHeld) options.acquired(lane);
    }

    // More than a fair share: hand the extra lanes back (the highest first), once their batch is done.
    const extra = [...held.keys()].sort((a, b) => b - a).slice(0, Math.max(0, held.size - share));
    for (const lane of extra) {
      held.delete(lane);
      await options.release(lane);
      await db.query(
        `UPDATE ${s}.lanes SET owner = NULL, expires_at = '-infinity' WHERE group_name = $1 AND lane = $2 AND owner = $3`,
        [group, lane, member],
      );
    }

    const wanted = share - held.size - restingMine;
    if (wanted > 0 && !stopped) {
      const claimedAt = performance.now();
      const { rows: claimed } = await db.query<{ lane: number }>(
        `UPDATE ${s}.lanes SET owner = $3, expires_at = now() + ${interval}
          WHERE group_name = $1 AND lane IN (
            SELECT lane FROM ${s}.lanes
             WHERE group_name = $1 AND (owner IS NULL OR expires_at < now())
             ORDER BY lane LIMIT $4 FOR UPDATE SKIP LOCKED)
        RETURNING lane`,
        [group, leaseMs, member, wanted],
      );
      for (const { lane } of claimed) {
        if (rests(lane)) continue;
        held.set(lane, claimedAt + leaseMs);
        options.acquired(lane);
      }
    }
  }

  const cycle = () => {
    running ??= runCycle()
      .catch((error: unknown) => {
        if (!stopped) options.onError(error);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  // Renewing four times per margin: three renewals in a row can fail before a lane stops fetching.
  const timer = setInterval(() => void cycle(), Math.max(50, Math.floor(options.fetchMarginMs / 4)));
  timer.unref();

  return {
    member,
    mayFetch: (lane) => {
      const until = held.get(lane);
      return until !== undefined && performance.now() < until - options.fetchMarginMs;
    },
    fence: (lane, firstParam) => ({
      sql: `EXISTS (SELECT 1 FROM ${s}.lanes
              WHERE group_name = $${firstParam} AND lane = $${firstParam + 1} AND owner = $${firstParam + 2}
                AND expires_at > now()
              FOR KEY SHARE)`,
      params: [group, lane, member],
    }),
    forget: (lane, restMs = 0) => {
      held.delete(lane);
      if (restMs > 0) resting.set(lane, performance.now() + restMs);
    },
    cycle,
    async stop(release) {
      stopped = true;
      clearInterval(timer);
      await running;
      if (!release) return;
      const lanesHeld = [...held.keys()];
      held.clear();
      await Promise.all(lanesHeld.map((lane) => options.release(lane)));
      await db.query(
        `WITH gone AS (DELETE FROM ${s}.lane_members WHERE group_name = $1 AND member = $2)
         UPDATE ${s}.lanes SET owner = NULL, expires_at = '-infinity' WHERE group_name = $1 AND owner = $2`,
        [group, member],
      );
    },
  };
}
