import type { SqlClient } from '@tessera/platform/sql';
import { postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { signals } from '../src/testing/conditions.js';
import { openedForSuite } from './support/suite.js';

/** Listens on a channel: the payloads heard there in order, a wait for the first `count`, and the unlisten. */
async function listening(db: SqlClient, channel: string) {
  const { items: heard, push, until } = signals<string>();
  const stop = await db.listen(channel, push);
  return { heard, until: (count: number) => until((all) => all.length >= count), stop };
}

describe.each(testDatabases)('notifications on $backend', (backend) => {
  const opened = openedForSuite(() => backend.open());

  it('delivers a notification to every listener of the channel', async () => {
    const { db } = opened;
    const a = await listening(db, 'wake_test');
    const b = await listening(db, 'wake_test');
    await db.notify('wake_test', 'one');
    await Promise.all([a.until(1), b.until(1)]);
    expect([a.heard, b.heard]).toEqual([['one'], ['one']]);
    await a.stop();
    await b.stop();
  });

  it('delivers a notification sent in a transaction only when it commits', async () => {
    const { db } = opened;
    const heard = await listening(db, 'commit_test');
    await db
      .transaction(async () => {
        await db.notify('commit_test', 'rolled back');
        throw new Error('abandon');
      })
      .catch(() => {});
    await db.transaction(async () => {
      await db.notify('commit_test', 'committed');
    });
    await heard.until(1);
    // A later notification proves nothing else was queued before it.
    await db.notify('commit_test', 'after');
    await heard.until(2);
    expect(heard.heard).toEqual(['committed', 'after']);
    await heard.stop();
  });

  it('stops delivering after unlisten, and refuses channel names that are not identifiers', async () => {
    const { db } = opened;
    const heard = await listening(db, 'stop_test');
    const other = await listening(db, 'stop_test_other');
    await heard.stop();
    await db.notify('stop_test', 'missed');
    await db.notify('stop_test_other', 'sentinel');
    await other.until(1);
    expect(heard.heard).toEqual([]);
    await other.stop();
    await expect(db.listen('bad channel; drop table x', () => {})).rejects.toThrow(
      'is not a valid SQL identifier',
    );
  });
});

describe('notifications across connections (PostgreSQL)', () => {
  const opened = openedForSuite(() => postgresTestDatabase.open());

  it('hears NOTIFY from another process, and after its connection is killed it reconnects and wakes its listeners', async () => {
    const { db } = opened;
    const heard = await listening(db, 'cross_test');
    const other = new pg.Client({ connectionString: opened.url });
    await other.connect();
    await other.query(`NOTIFY cross_test, 'from elsewhere'`);
    await heard.until(1);

    // Kill the listening connection, as a server restart or a network cut would.
    await other.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE '%(listener)'`,
    );
    // The listener reconnects and calls it with an empty payload: look again for what may be missed.
    await heard.until(2);
    expect(heard.heard[1]).toBe('');
    await other.query(`NOTIFY cross_test, 'after reconnect'`);
    await heard.until(3);
    expect(heard.heard).toEqual(['from elsewhere', '', 'after reconnect']);
    await other.end();
    await heard.stop();
  });
});
