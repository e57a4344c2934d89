/**
 * The embedded database's thread (ADR 0047): every PGlite of the process runs here, so that PostgreSQL compiled to
 * WebAssembly and the parsing of its results never hold the event loop that answers HTTP, RPC and messages.
 * The main thread (`pglite-remote.ts`) sends one request per statement, script or commit. PGlite is one
 * connection: a transaction (a session) owns it from its first request to its commit or release, and this
 * side keeps that discipline, so the next transaction starts here as soon as one ends, without a message to
 * the main thread and back in between.
 */
import { mkdirSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { preparedStatements, type Statement } from './pglite-statements.js';

/** A database's request, and whose: 0 for one on its own, a transaction's session otherwise. */
type OnConnection = { db: number; session: number } & (
  | { op: 'query'; text: string; params?: readonly unknown[] | undefined; before: readonly string[] }
  | { op: 'exec'; script: string; before: readonly string[] }
  | { op: 'commit'; statements: readonly Statement[]; before: readonly string[] }
  /** The session ends: the connection goes to the next one. Answered by nothing. */
  | { op: 'release' }
  | { op: 'listen'; channel: string; listener: number }
  | { op: 'unlisten'; listener: number }
  | { op: 'dump' }
  | { op: 'close' }
);

export type Request =
  | { op: 'open'; dataDir?: string | undefined; loadDataDir?: ArrayBuffer | undefined }
  | OnConnection;

/** An error as it crosses threads: structured cloning keeps only an error's message, so its fields travel apart. */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string | undefined;
  fields: Record<string, string | number | boolean | null>;
  /** The transaction had failed before its COMMIT (PostgreSQL answered it with ROLLBACK). */
  rolledBackAtCommit?: true;
}

export type Reply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: ThreadError }
  | { kind: 'notification'; listener: number; payload: string };

/**
 * PGlite's default 128 MB of shared buffers live in the WebAssembly heap, which never shrinks: measured with
 * MallBots at 10 clients, 16 MB took the heap from 200 to 140 MB and the process's peak from 674 to 528 MB,
 * throughput within noise (ADR 0054). An embedded database is small; what its buffers do not hold, PostgreSQL
 * reads from its files: a larger database costs reads, never correctness.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

const port = parentPort;
if (!port) throw new Error('pglite-thread.ts runs as a worker thread (see pglite-remote.ts)');

interface Opened {
  readonly pglite: PGlite;
  readonly run: ReturnType<typeof preparedStatements>['run'];
  /** The session that owns the connection, if one does; whether a request is running; what waits its turn. */
  readonly turns: {
    owner: number | undefined;
    running: boolean;
    waiting: Array<{ id: number; request: OnConnection }>;
  };
}

const databases = new Map<number, Opened>();
const unlisteners = new Map<number, () => Promise<void>>();
let nextDatabase = 1;

function opened(db: number): Opened {
  const database = databases.get(db);
  if (!database) throw new Error(`the embedded database ${db} is closed`);
  return database;
}

class RolledBack extends Error {}

/** A statement without parameters, as a pipeline has it. */
const alone = (text: string): Statement => [text];

async function handle(request: Request): Promise<{ value: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.op) {
    case 'open': {
      if (request.dataDir) mkdirSync(request.dataDir, { recursive: true });
      const pglite = await PGlite.create({
        dataDir: request.dataDir,
        loadDataDir: request.loadDataDir ? new Blob([request.loadDataDir]) : undefined,
        startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
      });
      const name = (await pglite.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
      const db = nextDatabase++;
      databases.set(db, {
        pglite,
        run: preparedStatements(pglite).run,
        turns: { owner: undefined, running: false, waiting: [] },
      });
      return { value: { db, name } };
    }
    case 'query': {
      const { run } = opened(request.db);
      const { rows, rowCount } = await run(...request.before.map(alone), [request.text, request.params]);
      return { value: { rows, rowCount } };
    }
    case 'exec': {
      const { pglite, run } = opened(request.db);
      if (request.before.length > 0) await run(...request.before.map(alone));
      await pglite.exec(request.script);
      return { value: undefined };
    }
    case 'commit': {
      const { run, turns } = opened(request.db);
      // One call: what was left to write at commit, then COMMIT, which PostgreSQL answers with ROLLBACK in a
      // transaction that had failed (a statement whose error the work caught).
      const { command } = await run(...request.before.map(alone), ...request.statements, ['COMMIT']);
      if (command !== 'COMMIT') throw new RolledBack();
      // Committed, the session has nothing more to send but its release: the connection goes on now, not a
      // round trip between the threads later. A session whose commit failed keeps it for its ROLLBACK.
      if (turns.owner === request.session) turns.owner = undefined;
      return { value: undefined };
    }
    case 'listen': {
      const unlisten = await opened(request.db).pglite.listen(request.channel, (payload) => {
        port!.postMessage({ kind: 'notification', listener: request.listener, payload } satisfies Reply);
      });
      unlisteners.set(request.listener, unlisten);
      return { value: undefined };
    }
    case 'release':
      return { value: undefined };
    case 'unlisten': {
      const unlisten = unlisteners.get(request.listener);
      unlisteners.delete(request.listener);
      await unlisten?.();
      return { value: undefined };
    }
    case 'dump': {
      const dump = await (await opened(request.db).pglite.dumpDataDir('none')).arrayBuffer();
      return { value: dump, transfer: [dump] };
    }
    case 'close': {
      const database = databases.get(request.db);
      databases.delete(request.db);
      await database?.pglite.close();
      // What still waited for its turn will not have one.
      for (const { id, request: waiting } of database?.turns.waiting.splice(0) ?? []) {
        if (waiting.op !== 'release') void reply(id, waiting);
      }
      return { value: undefined };
    }
  }
}

function threadErrorOf(error: unknown): ThreadError {
  if (error instanceof RolledBack) {
    return { name: 'RolledBackAtCommit', message: '', fields: {}, rolledBackAtCommit: true };
  }
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: ThreadError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      fields[key] = value;
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

function reply(id: number, request: Request): Promise<void> {
  return handle(request).then(
    ({ value, transfer }) =>
      port!.postMessage({ kind: 'reply', id, ok: true, value } satisfies Reply, transfer ?? []),
    (error: unknown) =>
      port!.postMessage({ kind: 'reply', id, ok: false, error: threadErrorOf(error) } satisfies Reply),
  );
}

/**
 * Runs a database's next request that may run: the oldest one, when no session owns the connection; else the
 * owner's. A session's first request makes it the owner; its release hands the connection on.
 */
function next(database: Opened): void {
  const { turns } = database;
  if (turns.running) return;
  const index = turns.waiting.findIndex(
    ({ request }) => turns.owner === undefined || request.session === turns.owner,
  );
  if (index === -1) return;
  const [{ id, request }] = turns.waiting.splice(index, 1) as [{ id: number; request: OnConnection }];
  if (request.op === 'release') {
    if (turns.owner === request.session) turns.owner = undefined;
    next(database);
    return;
  }
  if (request.session !== 0) turns.owner = request.session;
  turns.running = true;
  void reply(id, request).finally(() => {
    turns.running = false;
    next(database);
  });
}

port.on('message', ({ id, request }: { id: number; request: Request }) => {
  const database = request.op === 'open' ? undefined : databases.get(request.db);
  if (request.op === 'open' || !database) {
    void reply(id, request);
    return;
  }
  database.turns.waiting.push({ id, request });
  next(database);
});
