import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { QueryResult } from './client.js';
import type { Statement } from './pglite-statements.js';
import type { Reply, Request, ThreadError } from './pglite-thread.js';

/** What one session (a transaction, or 0 for requests on their own) asks of its database. */
export interface ThreadSession {
  /** `before`: statements without parameters run first, in the same call (BEGIN, SAVEPOINT). */
  query<R>(
    text: string,
    params: readonly unknown[] | undefined,
    before: readonly string[],
  ): Promise<QueryResult<R>>;
  exec(script: string, before: readonly string[]): Promise<void>;
  /** Runs the statements, then COMMIT; a transaction that had failed throws `{ rolledBackAtCommit: true }`. */
  commit(statements: readonly Statement[], before: readonly string[]): Promise<void>;
  /** Ends the session: the connection goes to the next one (nothing to wait for). */
  release(): void;
}

/**
 * One PGlite database, run by the embedded database's thread (ADR 0047). A transaction is a session of its own:
 * the thread gives it the connection from its first request to its commit (or release), and that request
 * opens the transaction (BEGIN in its `before`: one message instead of two).
 */
export interface ThreadDatabase extends Omit<ThreadSession, 'release'> {
  /** `current_database()`: what spans name the database by. */
  readonly name: string;
  session(): ThreadSession;
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;
  /** The database's files as a tarball (`PGlite.dumpDataDir`), to start other databases from. */
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/** An error the database thread answered, rebuilt with its fields (`code`, `detail`, `constraint`...). */
export function revived(error: ThreadError): Error & { rolledBackAtCommit?: true } {
  const revivedError = Object.assign(new Error(error.message), error.fields);
  revivedError.name = error.name;
  if (error.stack) revivedError.stack = error.stack;
  return error.rolledBackAtCommit
    ? Object.assign(revivedError, { rolledBackAtCommit: true as const })
    : revivedError;
}

// The thread's module is TypeScript when the platform runs from its source (tsx, vitest). A worker does not
// inherit the main thread's loader (Node 20), and Node's own type stripping (22.18 and later) does not map the
// module's `./x.js` imports to their `.ts` files: the thread registers tsx's loader before importing it.
// Written to run as either kind of script (a worker's eval is CommonJS unless the process says --input-type=module).
const BOOT = `(async () => {
  const { workerData } = await import('node:worker_threads');
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The process's one database thread: started with the first database, kept (unreferenced) until the process exits. */
function startThread() {
  const entry = new URL(`./pglite-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const tsx = entry.pathname.endsWith('.ts')
    ? new URL('./api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm'))).href
    : undefined;
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { entry: entry.href, tsx },
    name: 'embedded database',
  });
  const pending = new Map<number, Pending>();
  const listeners = new Map<number, (payload: string) => void>();
  let nextId = 1;
  let stopped: Error | undefined;
  // Referenced only while a request is out: an idle database never keeps the process alive, a pending one does.
  worker.unref();

  worker.on('message', (reply: Reply) => {
    if (reply.kind === 'notification') {
      listeners.get(reply.listener)?.(reply.payload);
      return;
    }
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(revived(reply.error));
  });
  const stop = (reason: Error) => {
    stopped = new Error(`the embedded database's thread stopped: ${reason.message}`, { cause: reason });
    for (const waiting of pending.values()) waiting.reject(stopped);
    pending.clear();
  };
  worker.on('error', stop);
  worker.on('exit', (code) => stop(new Error(`it exited with code ${code}`)));

  return {
    /** A request nothing answers. */
    post(request: Request): void {
      if (!stopped) worker.postMessage({ id: 0, request });
    },
    request<T>(request: Request, transfer: ArrayBuffer[] = []): Promise<T> {
      if (stopped) return Promise.reject(stopped);
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ id, request }, transfer);
      });
    },
    listeners,
    /** Stops the thread, and with it every database it holds: its memory goes back to the system. */
    terminate: () => worker.terminate().then(() => undefined),
  };
}

/**
 * Makes a new database's files in a thread of its own, then stops that thread. PostgreSQL's initdb grows the
 * WebAssembly heap by ~450 MB that a heap never gives back: measured, MallBots idle at 930 MB after a first
 * start against 510–560 MB after a restart on the same files. Opened again in the process's thread, the
 * database starts from its files with the heap a restart has.
 */
async function initializeAlone(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const alone = startThread();
  try {
    const { db } = await alone.request<{ db: number }>({ op: 'open', dataDir });
    await alone.request({ op: 'close', db, session: 0 });
  } finally {
    await alone.terminate();
  }
}

let thread: ReturnType<typeof startThread> | undefined;
let nextListener = 1;
let nextSession = 1;

export async function openInThread(options: {
  dataDir?: string | undefined;
  loadDataDir?: Blob | undefined;
}) {
  if (options.dataDir) await initializeAlone(options.dataDir);
  thread ??= startThread();
  const { request, post, listeners } = thread;
  const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
  const { db, name } = await request<{ db: number; name: string }>(
    { op: 'open', dataDir: options.dataDir, loadDataDir },
    loadDataDir ? [loadDataDir] : [],
  );
  const sessionOf = (session: number): ThreadSession => ({
    query: (text, params, before) => request({ op: 'query', db, session, text, params, before }),
    exec: (script, before) => request({ op: 'exec', db, session, script, before }),
    commit: (statements, before) => request({ op: 'commit', db, session, statements, before }),
    release: () => post({ op: 'release', db, session }),
  });
  const alone = sessionOf(0);
  const database: ThreadDatabase = {
    name,
    query: alone.query,
    exec: alone.exec,
    commit: alone.commit,
    session: () => sessionOf(nextSession++),
    async listen(channel, onNotification) {
      const listener = nextListener++;
      listeners.set(listener, onNotification);
      await request({ op: 'listen', db, session: 0, channel, listener }).catch((error: unknown) => {
        listeners.delete(listener);
        throw error;
      });
      return async () => {
        listeners.delete(listener);
        await request({ op: 'unlisten', db, session: 0, listener });
      };
    },
    dump: async () => new Blob([await request<ArrayBuffer>({ op: 'dump', db, session: 0 })]),
    close: () => request({ op: 'close', db, session: 0 }),
  };
  return database;
}
