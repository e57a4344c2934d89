import { notFound } from '@tessera/platform/ddd';
import { createEventStore, type EventStore, eventStoreMigrations } from '@tessera/platform/eventstore';
import { type LiveChange, liveRoutes } from '@tessera/platform/http';
import { defineRoles } from '@tessera/platform/identity';
import { type Projector, projectionMigrations, startProjector } from '@tessera/platform/projections';
import { createRegistry } from '@tessera/platform/registry';
import type { Module } from '@tessera/platform/runtime';
import type { Queryable } from '@tessera/platform/sql';
import {
  type EventStream,
  expectProblem,
  openEventStream,
  startTestHost,
  type TestHost,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signals } from '../src/testing/conditions.js';

const SCHEMA = 'live';
// An hour: a stream that gets its changes was woken by the projector, not by a recheck.
const NEVER = 3_600_000;
const HEARTBEAT_MS = 100;
const registry = createRegistry({ name: 'live.Noted', version: 1 });
const roles = defineRoles({
  reader: { description: 'Reads the notes of their own boards', own: true },
  editor: { description: 'Reads every board' },
});
const owners = new Map<string, string>();

/** One board's notes after a position, from the read model (what the projection committed). */
const changesOf =
  (db: Queryable, board: string) =>
  async (after: number, limit: number): Promise<LiveChange[]> => {
    const { rows } = await db.query<{ position: string; text: string }>(
      'SELECT position, text FROM live.notes WHERE board = $1 AND position > $2 ORDER BY position LIMIT $3',
      [board, after, limit],
    );
    return rows.map((row) => ({ position: Number(row.position), event: 'note', data: { text: row.text } }));
  };

describe.each(testDatabases)('live routes on $backend', (backend) => {
  let api: TestHost;
  let store: EventStore;
  let projector: Projector;
  const watching = signals<number>();
  let watchers = 0;

  /** Notes on boards, projected into a read model, and a live route that follows one board. */
  const module: Module = {
    name: 'boards',
    description: 'Boards of notes',
    migrations: [eventStoreMigrations(SCHEMA), projectionMigrations(SCHEMA)],
    async start({ db, http }) {
      await db.exec(
        'CREATE TABLE live.notes (position bigint PRIMARY KEY, board text NOT NULL, text text NOT NULL)',
      );
      store = createEventStore({ db, schema: SCHEMA, registry });
      projector = await startProjector(
        { db, store },
        {
          name: 'notes',
          handlers: {
            'live.Noted': async (event) => {
              await db.query('INSERT INTO live.notes (position, board, text) VALUES ($1, $2, $3)', [
                event.position,
                event.streamName,
                (event.data as { text: string }).text,
              ]);
            },
          },
        },
        { schema: SCHEMA, idleRecheckMs: NEVER },
      );
      const live = liveRoutes(http, {
        tags: ['boards'],
        problems: { notFound: 'No such board' },
        heartbeatMs: HEARTBEAT_MS,
        watch: (wake) => {
          watching.push(++watchers);
          const unwatch = projector.watch(wake);
          return () => {
            unwatch();
            watching.push(--watchers);
          };
        },
      });
      live.get('/api/boards/:board/live', 'followBoard', {
        audience: {
          roles: [roles.reader, roles.editor],
          owner: async (request: { params: { board: string } }) => owners.get(request.params.board),
        },
        summary: "Follow a board's notes as they are written",
        params: z.object({ board: z.string().regex(/^b-\d+$/) }),
        events: { note: z.object({ text: z.string() }) },
        feed: async ({ params }) => {
          if (!owners.has(params.board)) throw notFound('board_not_found', 'no such board');
          return { start: async () => projector.position, changes: changesOf(db, params.board) };
        },
      });
      return { stop: () => projector.stop() };
    },
  };

  let boards = 0;
  const newBoard = (owner = 'ada') => {
    const board = `b-${++boards}`;
    owners.set(board, owner);
    return board;
  };
  const note = (board: string, ...texts: string[]) =>
    store.append(
      board,
      texts.map((text) => ({ type: 'live.Noted', data: { text } })),
    );
  const texts = (stream: EventStream) => stream.events.map((event) => event.json<{ text: string }>().text);
  const open = async (board: string, headers: Record<string, string> = {}, query = '') =>
    openEventStream(`${api.host.url}/api/boards/${board}/live${query}`, {
      headers: {
        authorization: `Bearer ${await api.tokenFor({ subject: 'editor-1', roles: ['editor'] })}`,
        ...headers,
      },
    });
  const streams: EventStream[] = [];
  const opened = async (...args: Parameters<typeof open>) => {
    const stream = await open(...args);
    streams.push(stream);
    expect(stream.status, stream.body).toBe(200);
    return stream;
  };

  beforeAll(async () => {
    api = await startTestHost(backend, [module]);
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
    // The server sees each one go: the next test starts with no stream open.
    await watching.until(() => watchers === 0);
  });
  afterAll(() => api?.close());

  it('pushes each change as it commits, its position as the id, woken by the projector', async () => {
    const board = newBoard();
    await note(board, 'before');
    await projector.caughtUp();
    const stream = await opened(board);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toContain('no-cache');

    await note(board, 'one', 'two');
    await note(newBoard(), 'elsewhere');
    await note(board, 'three');
    const events = await stream.until((received) => received.length === 3);
    // Only what came after it opened (no Last-Event-ID: the feed's start), in order, each once.
    expect(texts(stream)).toEqual(['one', 'two', 'three']);
    expect(events.every((event) => event.event === 'note')).toBe(true);
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const { rows } = await api.db.query<{ position: string }>(
      'SELECT position FROM live.events WHERE stream_name = $1 ORDER BY position',
      [board],
    );
    expect(ids).toEqual(rows.slice(1).map((row) => Number(row.position)));
  });

  it('resumes after a disconnect from Last-Event-ID: every change since, none twice', async () => {
    const board = newBoard();
    const first = await opened(board);
    await note(board, 'a', 'b');
    await first.until((received) => received.length === 2);
    await first.close();
    await watching.until(() => watchers === 0);

    await note(board, 'c');
    await note(board, 'd', 'e');
    const again = await opened(board, { 'last-event-id': first.lastEventId! });
    await again.until((received) => received.length === 3);
    await note(board, 'f');
    await again.until((received) => received.length === 4);
    expect(texts(again)).toEqual(['c', 'd', 'e', 'f']);

    // An EventSource's first connection names where to start in the query; its reconnections send the header,
    // which wins over the query they keep.
    const fromQuery = await opened(board, {}, `?lastEventId=${first.lastEventId}`);
    await fromQuery.until((received) => received.length === 4);
    expect(texts(fromQuery)).toEqual(['c', 'd', 'e', 'f']);
    const both = await opened(board, { 'last-event-id': again.events[2]!.id! }, '?lastEventId=0');
    await both.until((received) => received.length === 1);
    expect(texts(both)).toEqual(['f']);
  });

  it('sends a heartbeat while nothing changes', async () => {
    const stream = await opened(newBoard());
    expect(await stream.nextComment()).toBe('heartbeat');
    expect(stream.events).toEqual([]);
  });

  it("checks the route's audience before it opens: who, which role, whose board", async () => {
    const board = newBoard('ada');
    const url = `${api.host.url}/api/boards/${board}/live`;
    const as = async (who: { subject: string; roles: string[] }) =>
      openEventStream(url, { headers: { authorization: `Bearer ${await api.tokenFor(who)}` } });
    const problemOf = (stream: EventStream) => JSON.parse(stream.body!) as { status: number; code?: string };

    const anonymous = await openEventStream(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await as({ subject: 'x', roles: ['stranger'] })).status).toBe(403);
    const notTheirs = await as({ subject: 'grace', roles: ['reader'] });
    expect(notTheirs.status).toBe(403);
    expect(problemOf(notTheirs).status).toBe(403);
    const theirs = await as({ subject: 'ada', roles: ['reader'] });
    streams.push(theirs);
    expect(theirs.status).toBe(200);
    const unknown = await as({ subject: 'ada', roles: ['editor'] });
    expect(unknown.status).toBe(200);
    streams.push(unknown);
    const missing = await openEventStream(`${api.host.url}/api/boards/b-999999/live`, {
      headers: { authorization: `Bearer ${await api.tokenFor({ subject: 'e', roles: ['editor'] })}` },
    });
    expect(missing.status).toBe(404);
    expect(problemOf(missing).code).toBe('board_not_found');
  });

  it('refuses a Last-Event-ID that is no position, naming where it was', async () => {
    const board = newBoard();
    for (const bad of ['x', '-1', '1.5']) {
      expectProblem(
        await api.host.http.inject({
          method: 'GET',
          url: `/api/boards/${board}/live`,
          headers: { ...(await authorization()), 'last-event-id': bad },
        }),
        400,
        { field: 'headers.last-event-id' },
      );
      expectProblem(
        await api.host.http.inject({
          method: 'GET',
          url: `/api/boards/${board}/live?lastEventId=${bad}`,
          headers: await authorization(),
        }),
        400,
        { field: 'querystring.lastEventId' },
      );
    }
  });
  const authorization = async () => ({
    authorization: `Bearer ${await api.tokenFor({ subject: 'e', roles: ['editor'] })}`,
  });

  it('stops watching when the client goes away', async () => {
    const stream = await opened(newBoard());
    await watching.until(() => watchers === 1);
    await stream.close();
    await watching.until(() => watchers === 0);
  });

  it('documents the stream: its events, its resume parameter and header, its problems', async () => {
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<
        string,
        { get: { responses: Record<string, { content?: object }>; parameters: unknown[] } }
      >;
    }>();
    const operation = document.paths['/api/boards/{board}/live']!.get;
    expect(Object.keys(operation.responses['200']!.content!)).toEqual(['text/event-stream']);
    for (const status of ['400', '401', '403', '404']) {
      expect(operation.responses[status]!.content).toHaveProperty(['application/problem+json']);
    }
    expect(JSON.stringify(operation.parameters)).toContain('lastEventId');
    expect(JSON.stringify(operation.parameters)).toContain('last-event-id');
  });

  it("ends every stream when the server stops (the host's stop does not wait on them)", async () => {
    const board = newBoard();
    const stream = await opened(board);
    await note(board, 'last');
    await stream.until((received) => received.length === 1);
    // The last test: the host stops here (afterAll's close is then a no-op).
    await api.host.stop();
    await stream.ended;
    expect(watchers).toBe(0);
  });
});
