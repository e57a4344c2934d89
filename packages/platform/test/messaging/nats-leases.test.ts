import { natsBrokerMigrations } from '@tessera/platform/messaging';
import { migrate } from '@tessera/platform/sql';
import { postgresTestDatabase } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { startLeases } from '../../src/messaging/nats/leases.js';

/**
 * A lane that stopped by itself after its lease could not be checked (a handling's fence failed) left what it
 * held unacknowledged: JetStream redelivers it only after the ack wait. Started again at once by the same
 * member, the lane would fetch newer messages of the same keys first, out of order. So an abandoned lane rests
 * for a while before its member starts it again; one that handed its messages back starts again at once.
 */
describe('NATS lanes: a lane abandoned by its own member', () => {
  it('is started again only once its rest is over, and is not given to anyone else meanwhile', async () => {
    const opened = await postgresTestDatabase.open();
    await migrate(opened.db, [natsBrokerMigrations()]);
    const acquired: number[] = [];
    const leases = await startLeases({
      db: opened.db,
      schema: 'messaging',
      group: 'resting',
      lanes: 2,
      leaseMs: 60_000,
      fetchMarginMs: 600_000, // cycles run only when the test asks
      acquired: (lane) => acquired.push(lane),
      release: async () => {},
      lost: () => {},
      onError: (error) => {
        throw error;
      },
    });
    try {
      await leases.cycle();
      expect(acquired.sort()).toEqual([0, 1]);
      acquired.length = 0;

      leases.forget(0, 60_000); // abandoned: rests
      leases.forget(1); // handed back: no rest
      await leases.cycle();
      expect(acquired).toEqual([1]);
      // Still ours: another member cannot claim it while it rests.
      const { rows } = await opened.db.query<{ lane: number; owner: string }>(
        `SELECT lane, owner FROM messaging.lanes WHERE group_name = 'resting' AND expires_at > now() ORDER BY lane`,
      );
      expect(rows).toEqual([
        { lane: 0, owner: leases.member },
        { lane: 1, owner: leases.member },
      ]);

      acquired.length = 0;
      leases.forget(0, 1); // a rest that is over by the next cycle
      // The time under test, not a wait for something to happen: the rest is 1 ms long.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await leases.cycle();
      expect(acquired).toEqual([0]);
    } finally {
      await leases.stop(true);
      await opened.close();
    }
  });
});
