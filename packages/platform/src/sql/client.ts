import { AsyncLocalStorage } from 'node:async_hooks';
import { identifier } from './errors.js';

/** Channel names are identifiers we choose in code; checked so that LISTEN can be built safely. */
const channelName = (channel: string) => {
  identifier(channel);
  return channel;
};

export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Row>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The one SQL client every adapter uses. Queries join the ambient transaction when there is one,
 * so repositories never pass a transaction around: the unit of work is carried by AsyncLocalStorage.
 */
export interface SqlClient extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in a transaction; inside another transaction it joins that one (one unit of work). */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** True when the caller runs inside a transaction of this client. */
  inTransaction(): boolean;
  /**
   * Registers a callback that runs once the surrounding transaction has committed (never on rollback).
   * Outside a transaction it runs at once, since there is nothing left to wait for, and the returned promise
   * settles when it has. Either way a failure is reported (`onAfterCommitError`), never thrown: what it
   * follows is already committed.
   */
  afterCommit(callback: () => void | Promise<void>): Promise<void>;
  /**
   * Runs a statement as the last of the surrounding transaction, sent with its COMMIT (one write, one round
   * trip): for writes nothing in the transaction reads back, such as an outbox's rows. If it fails, the
   * transaction rolls back and the commit throws its error. Outside a transaction it runs at once.
   */
  atCommit(text: string, params?: readonly unknown[]): Promise<void>;
  /**
   * Runs a statement without parameters whose answer nothing waits for (SAVEPOINT) just before the
   * surrounding transaction's next statement, sent with it (one write, one round trip), or with its COMMIT
   * when nothing follows. If it fails, that next statement throws its error. Outside a transaction it runs at
   * once.
   */
  beforeNext(text: string): Promise<void>;
  /**
   * Calls `onNotification` for each NOTIFY on `channel`, from any connection or process. A notification is a
   * wake-up hint, not a message: after a lost connection the client reconnects and calls every listener once
   * with an empty payload, so that they look again for what they may have missed. Resolves to an unlisten.
   */
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends a NOTIFY; inside a transaction it is delivered when (and only if) the transaction commits. */
  notify(channel: string, payload?: string): Promise<void>;
  close(): Promise<void>;
}

/** What a driver offers: plain queries, and a dedicated connection for a transaction. */
export interface Driver extends Queryable {
  readonly kind: SqlClient['kind'];
  connect(): Promise<Connection>;
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * PostgreSQL answers COMMIT in a failed transaction with ROLLBACK, not with an error: a statement whose error
 * the work caught and ignored would otherwise pass for committed, and its after-commit callbacks would run.
 * Every driver's `commit` throws this instead.
 */
export class RolledBackAtCommit extends Error {
  constructor() {
    super('the transaction was rolled back at COMMIT: one of its statements had failed');
    this.name = 'RolledBackAtCommit';
  }
}

export interface Connection extends Queryable {
  /** `before`: statements without parameters sent first, in the same write when the driver can (`beforeNext`). */
  query<R = Row>(
    text: string,
    params?: readonly unknown[],
    before?: readonly string[],
  ): Promise<QueryResult<R>>;
  /**
   * Runs `statements`, then COMMIT. A driver may send them in one write; a failed statement makes the
   * transaction roll back (PostgreSQL answers COMMIT with ROLLBACK) and its error is thrown.
   */
  commit(statements: ReadonlyArray<readonly [string, readonly unknown[] | undefined]>): Promise<void>;
  /**
   * Opens the transaction and starts `work` in it. A driver may send BEGIN together with the first statement
   * `work` sends (one write and one round trip instead of two); either way, `work`'s statements run inside
   * the transaction, and a failed BEGIN fails the whole.
   */
  begin<T>(work: () => Promise<T>): Promise<T>;
  release(broken?: boolean): void;
}

interface TransactionScope {
  readonly client: object;
  readonly connection: Connection;
  readonly afterCommit: Array<() => void | Promise<void>>;
  readonly atCommit: Array<readonly [string, readonly unknown[] | undefined]>;
  /** Statements to send with the next one (`beforeNext`). */
  readonly beforeNext: string[];
}

const scopes = new AsyncLocalStorage<TransactionScope>();

export interface SqlClientOptions {
  /** Called when an after-commit callback fails: the transaction is already committed, so it is reported, not thrown. */
  onAfterCommitError?: (error: unknown) => void;
}

export function createSqlClient(driver: Driver, options: SqlClientOptions = {}): SqlClient {
  const reportAfterCommitError =
    options.onAfterCommitError ??
    ((error: unknown) => {
      console.error('after-commit callback failed', error);
    });

  const client: SqlClient = {
    kind: driver.kind,

    query(text, params) {
      const scope = scopes.getStore();
      if (scope && scope.client === client) {
        if (scope.beforeNext.length === 0) return scope.connection.query(text, params);
        return scope.connection.query(text, params, scope.beforeNext.splice(0));
      }
      return driver.query(text, params);
    },

    async exec(script) {
      const scope = scopes.getStore();
      if (!scope || scope.client !== client) return driver.exec(script);
      for (const text of scope.beforeNext.splice(0)) await scope.connection.query(text);
      return scope.connection.exec(script);
    },

    async transaction(work) {
      const outer = scopes.getStore();
      if (outer && outer.client === client) return work();
      const connection = await driver.connect();
      const scope: TransactionScope = { client, connection, afterCommit: [], atCommit: [], beforeNext: [] };
      let result: Awaited<ReturnType<typeof work>>;
      try {
        result = await connection.begin(() => scopes.run(scope, work));
        await connection.commit(
          scope.beforeNext.length === 0
            ? scope.atCommit
            : [...scope.beforeNext.map((text) => [text, undefined] as const), ...scope.atCommit],
        );
      } catch (error) {
        const broken = await connection.query('ROLLBACK').then(
          () => false,
          () => true,
        );
        connection.release(broken);
        throw error;
      }
      connection.release();
      for (const callback of scope.afterCommit) {
        try {
          await callback();
        } catch (error) {
          reportAfterCommitError(error);
        }
      }
      return result;
    },

    inTransaction() {
      return scopes.getStore()?.client === client;
    },

    async afterCommit(callback) {
      const scope = scopes.getStore();
      if (scope && scope.client === client) {
        scope.afterCommit.push(callback);
        return;
      }
      try {
        await callback();
      } catch (error) {
        reportAfterCommitError(error);
      }
    },

    async atCommit(text, params) {
      const scope = scopes.getStore();
      if (scope && scope.client === client) scope.atCommit.push([text, params]);
      else await driver.query(text, params);
    },

    async beforeNext(text) {
      const scope = scopes.getStore();
      if (scope && scope.client === client) scope.beforeNext.push(text);
      else await driver.query(text);
    },

    async listen(channel, onNotification) {
      return driver.listen(channelName(channel), onNotification);
    },

    async notify(channel, payload = '') {
      // A NOTIFY is delivered at commit whenever it is sent: it goes with the COMMIT, one round trip less.
      await client.atCommit('SELECT pg_notify($1, $2)', [channelName(channel), payload]);
    },

    close: () => driver.close(),
  };
  return client;
}
