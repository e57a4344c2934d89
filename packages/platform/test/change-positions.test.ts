import { randomUUID } from 'node:crypto';
import {
  type ChangePositions,
  changePositionMigrations,
  migrate,
  openChangePositions,
  postgresClient,
  type SqlClient,
} from '@tessera/platform/sql';
import {
  eventually,
  type OpenedTestDatabase,
  postgresTestDatabase,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCHEMA = 'positions_test';

/** A CRUD table whose rows take a change position when their transaction commits (ADR 0040). */
const itemsTable = `
CREATE TABLE ${SCHEMA}.items (
  id       uuid    PRIMARY KEY,
  version  integer NOT NULL,
  note     text    NOT NULL DEFAULT '',
  position bigint  NOT NULL DEFAULT 0
);
CREATE INDEX items_position_idx ON ${SCHEMA}.items (position);
CREATE CONSTRAINT TRIGGER items_change_position AFTER INSERT OR UPDATE OF version ON ${SCHEMA}.items
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION ${SCHEMA}.take_change_position('id');
`;

interface Item {
  id: string;
  version: number;
  position: number;
}

const changedAfter = async (db: SqlClient, after: number, limit: number): Promise<Item[]> => {
  const { rows } = await db.query<{ id: string; version: number; position: string }>(
    `SELECT id, version, position FROM ${SCHEMA}.items WHERE position > $1 ORDER BY position LIMIT $2`,
    [after, limit],
  );
  return rows.map((row) => ({ ...row, position: Number(row.position) }));
};

const insert = (db: SqlClient, id = randomUUID()) =>
  db.query(`INSERT INTO ${SCHEMA}.items (id, version) VALUES ($1, 1)`, [id]).then(() => id);
const bump = (db: SqlClient, id: string) =>
  db.query(`UPDATE ${SCHEMA}.items SET version = version + 1 WHERE id = $1`, [id]);

function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * Follows the table as a live route does: the rows above its cursor, in order, read again whenever the
 * positions' watch wakes it (never on a timer). Records each change it is sent.
 */
function follower(db: SqlClient, positions: ChangePositions, from: number) {
  const sent: Item[] = [];
  let cursor = from;
  let woken = true;
  let wake: (() => void) | undefined;
  const unwatch = positions.watch(() => {
    woken = true;
    wake?.();
  });
  let stopping = false;
  const done = (async () => {
    for (;;) {
      woken = false;
      const changes = await changedAfter(db, cursor, 7);
      for (const change of changes) {
        sent.push(change);
        cursor = change.position;
      }
      if (changes.length > 0 || woken) continue;
      if (stopping) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (woken) resolve();
      });
      wake = undefined;
    }
  })();
  return {
    sent,
    cursor: () => cursor,
    /** Ends once it has been sent every change up to `position`. */
    async stopAt(position: number) {
      await eventually(
        'the follower catches up',
        async () => cursor,
        (at) => at >= position,
      );
      stopping = true;
      woken = true;
      wake?.();
      await done;
      unwatch();
    },
  };
}

describe.each(testDatabases)('change positions of CRUD rows on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let db: SqlClient;
  let positions: ChangePositions;
  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
    await migrate(db, [changePositionMigrations(SCHEMA)]);
    await db.exec(itemsTable);
    positions = await openChangePositions(db, SCHEMA);
  }, 60_000);
  afterAll(async () => {
    await positions?.close();
    await opened?.close();
  });

  it('gives each changed row the next position when its transaction commits, and none to a rollback', async () => {
    const before = await positions.current();
    const id = await insert(db);
    const [inserted] = await changedAfter(db, before, 10);
    expect(inserted).toEqual({ id, version: 1, position: before + 1 });

    await expect(
      db.transaction(async () => {
        await bump(db, id);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await positions.current()).toBe(before + 1);

    await bump(db, id);
    expect(await changedAfter(db, before, 10)).toEqual([{ id, version: 2, position: before + 2 }]);
    // A write the trigger leaves out (not an UPDATE OF version): the row keeps its position.
    await db.query(`UPDATE ${SCHEMA}.items SET note = 'seen' WHERE id = $1`, [id]);
    expect(await changedAfter(db, before, 10)).toEqual([{ id, version: 2, position: before + 2 }]);
  });

  it('commits positions in the order they were taken: a second writer waits until the first commits', async () => {
    const before = await positions.current();
    const firstWrote = latch();
    const commitFirst = latch();
    const first = db.transaction(async () => {
      const id = await insert(db);
      firstWrote.open();
      await commitFirst.opened;
      return id;
    });
    await firstWrote.opened;
    // The first has written its row but not committed: it has taken no position yet (that happens at COMMIT).
    const second = db.transaction(() => insert(db));
    if (backend.backend === 'postgres') {
      // The second commits at once (it takes its position at COMMIT, before the first does)...
      const secondId = await second;
      expect(await changedAfter(db, before, 10)).toEqual([
        { id: secondId, version: 1, position: before + 1 },
      ]);
      // ...and a third, holding the counter at its COMMIT while the first one tries to commit, makes it wait.
      const counterHeld = latch();
      const releaseCounter = latch();
      const holder = postgresClient({ connectionString: opened.url!, maxConnections: 1 });
      const third = holder.transaction(async () => {
        await insert(holder);
        // Takes the position as COMMIT would (the deferred trigger), then holds the counter's lock.
        await holder.query('SET CONSTRAINTS ALL IMMEDIATE');
        counterHeld.open();
        await releaseCounter.opened;
      });
      await counterHeld.opened;
      commitFirst.open();
      await eventually(
        'the first writer waits for the counter',
        async () =>
          (
            await db.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows[0]!.waiting,
        (waiting) => waiting === 1,
      );
      // Until the holder commits, a reader sees nothing of either.
      expect(await changedAfter(db, before + 1, 10)).toEqual([]);
      releaseCounter.open();
      await third;
      const firstId = await first;
      const order = (await changedAfter(db, before, 10)).map((item) => item.id);
      expect(order.at(0)).toBe(secondId);
      expect(order.at(-1)).toBe(firstId);
      await holder.close();
    } else {
      // PGlite has one connection: the second transaction waits for the first to end.
      commitFirst.open();
      const [firstId, secondId] = await Promise.all([first, second]);
      expect((await changedAfter(db, before, 10)).map((item) => item.id)).toEqual([firstId, secondId]);
    }
  });

  it('lets a follower reading after its last position miss no change and get none twice while writers race', async () => {
    const start = await positions.current();
    const follow = follower(db, positions, start);
    const ids: string[] = [];
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; n < 25; n++) {
        await db.transaction(async () => {
          // New rows, and changes of rows other writers made: transactions of several statements, some of
          // them waiting for each other's row locks.
          if (n % 3 !== 1 || ids.length < 4) {
            ids.push(await insert(db));
            if (n % 2 === 0) ids.push(await insert(db));
          } else {
            // In one order, so that two writers never wait for each other's rows (a deadlock).
            const two = [ids[(writer * 7 + n) % ids.length]!, ids[(writer + n * 5) % ids.length]!].sort();
            for (const id of two) await bump(db, id);
          }
        });
      }
    });
    await Promise.all(writers);
    const end = await positions.current();
    await follow.stopAt(end);

    const sentPositions = follow.sent.map((item) => item.position);
    // Strictly increasing: nothing twice, nothing out of order.
    expect(sentPositions).toEqual([...new Set(sentPositions)].sort((a, b) => a - b));
    expect(sentPositions[0]).toBeGreaterThan(start);
    // Every row as it is now was sent: no change was missed (a later one of the same row may stand for it).
    const { rows } = await db.query<{ id: string; version: number }>(
      `SELECT id, version FROM ${SCHEMA}.items WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(new Set(ids).size);
    const lastSent = new Map(follow.sent.map((item) => [item.id, item.version]));
    for (const row of rows) expect(lastSent.get(row.id), row.id).toBe(row.version);
  }, 60_000);

  it('reads a list and the position it is at in one snapshot', async () => {
    const id = await insert(db);
    const listed = await positions.atPosition(() => changedAfter(db, 0, 100_000));
    expect(listed.position).toBe(await positions.current());
    expect(listed.value.at(-1)).toMatchObject({ id, position: listed.position });
    const later = await insert(db);
    expect((await changedAfter(db, listed.position, 10)).map((item) => item.id)).toEqual([later]);
  });
});

describe('change positions across processes, on PostgreSQL', () => {
  it('wakes the watchers of another client of the database when a change commits', async () => {
    const opened = await postgresTestDatabase.open();
    const { db } = opened;
    await migrate(db, [changePositionMigrations(SCHEMA)]);
    await db.exec(itemsTable);
    const other = postgresClient({ connectionString: opened.url!, maxConnections: 2 });
    const elsewhere = await openChangePositions(other, SCHEMA);
    try {
      const woken = latch();
      const unwatch = elsewhere.watch(woken.open);
      const id = await insert(db);
      await woken.opened;
      unwatch();
      expect(await changedAfter(other, 0, 10)).toEqual([{ id, version: 1, position: 1 }]);
    } finally {
      await elsewhere.close();
      await other.close();
      await opened.close();
    }
  });
});
