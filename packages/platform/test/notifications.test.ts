import { type OpenedTestDatabase, postgresTestDatabase, testDatabases } from '@tessera/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Resolves with the next payloads heard on a channel, in order. */
function inbox() {
  const heard: string[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  return {
    heard,
    hear: (payload: string) => {
      heard.push(payload);
      if (waiting && heard.length >= waiting.count) waiting.resolve();
    },
    until: (count: number) =>
      heard.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting = { count, resolve };
          }),
  };
}

describe.each(testDatabases)('notifications on $backend', (backend) => {
  let opened: OpenedTestDatabase;

  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(() => opened.close());

  it('delivers a notification to every listener of the channel', async () => {
    const { db } = opened;
    const a = inbox();
    const b = inbox();
    const stopA = await db.listen('wake_test', a.hear);
    const stopB = await db.listen('wake_test', b.hear);
    await db.notify('wake_test', 'one');
    await Promise.all([a.until(1), b.until(1)]);
    expect([a.heard, b.heard]).toEqual([['one'], ['one']]);
    await stopA();
    await stopB();
  });

  it('delivers a notification sent in a transaction only when it commits', async () => {
    const { db } = opened;
    const heard = inbox();
    const stop = await db.listen('commit_test', heard.hear);
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
    await stop();
  });

  it('stops delivering after unlisten, and refuses channel names that are not identifiers', async () => {
    const { db } = opened;
    const heard = inbox();
    const other = inbox();
    const stop = await db.listen('stop_test', heard.hear);
    const stopOther = await db.listen('stop_test_other', other.hear);
    await stop();
    await db.notify('stop_test', 'missed');
    await db.notify('stop_test_other', 'sentinel');
    await other.until(1);
    expect(heard.heard).toEqual([]);
    await stopOther();
    await expect(db.listen('bad channel; drop table x', () => {})).rejects.toThrow(
      'is not a valid SQL identifier',
    );
  });
});

describe('notifications across connections (PostgreSQL)', () => {
  let opened: OpenedTestDatabase;
  beforeAll(async () => {
    opened = await postgresTestDatabase.open();
  });
  afterAll(() => opened.close());

  it('hears NOTIFY from another process, and after its connection is killed it reconnects and wakes its listeners', async () => {
    const { db } = opened;
    const heard = inbox();
    const stop = await db.listen('cross_test', heard.hear);
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
    await stop();
  });
});
