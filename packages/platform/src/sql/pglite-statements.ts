import { type PGlite, parse, protocol } from '@electric-sql/pglite';
import { SqlState, sqlStateOf } from './errors.js';

/**
 * Runs statements on PGlite as named prepared statements, each execution one call into the database (ADR 0047).
 * `PGlite.query` parses, describes, binds, describes, executes and syncs in six calls, and parses and plans the
 * text every time: the same statement prepared once and then bound, described and executed in one call costs
 * about a third (measured in the ADR). Results and parameters are read and written by PGlite's own parsers and
 * serializers, so rows come out exactly as `query` gives them.
 */
// Names unique in the thread, whichever cache (and database) a statement belongs to.
let nextName = 1;

export function preparedStatements(pglite: PGlite, capacity = 1_000) {
  const { serialize } = protocol;
  const prepared = new Map<string, { name: string; types: readonly number[] }>();

  async function prepare(text: string) {
    const known = prepared.get(text);
    if (known) {
      // Most recently used last: the least recently used is the first to go when the cache is full.
      prepared.delete(text);
      prepared.set(text, known);
      return known;
    }
    if (prepared.size >= capacity) {
      const [oldestText, oldest] = prepared.entries().next().value as [string, { name: string }];
      prepared.delete(oldestText);
      await pglite.execProtocol(
        joined(serialize.close({ type: 'S', name: oldest.name }), serialize.sync()),
        quietly,
      );
    }
    const name = `tessera_${nextName++}`;
    const { messages } = await pglite.execProtocol(
      joined(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()),
      quietly,
    );
    const types = parse.parseDescribeStatementResults(messages);
    const statement = { name, types };
    prepared.set(text, statement);
    return statement;
  }

  /**
   * Binds and executes the statements in one call, with one Sync: a statement that fails skips the ones after
   * it (PostgreSQL discards them until the Sync) and its error is thrown. Resolves to the last one's result.
   */
  async function pipeline(statements: readonly Statement[]) {
    const bound: Uint8Array[] = [];
    for (const [index, [text, params = []]] of statements.entries()) {
      const statement = await prepare(text);
      const values = params.map((param, i) => {
        if (param === null || param === undefined) return null;
        const serializer = pglite.serializers[statement.types[i] as number];
        return serializer ? serializer(param) : String(param);
      });
      bound.push(serialize.bind({ statement: statement.name, values }));
      // Only the last statement's rows are answered: only its rows need describing.
      if (index === statements.length - 1) bound.push(serialize.describe({ type: 'P' }));
      bound.push(serialize.execute({}));
    }
    bound.push(serialize.sync());
    const { messages } = await pglite.execProtocol(joined(...bound), { throwOnError: false });
    const failure = messages.findIndex((message) => message.name === 'error');
    if (failure !== -1) {
      // The statements before it completed, one command each: which one failed is how many did.
      const completed = messages
        .slice(0, failure)
        .filter((message) => message.name === 'commandComplete').length;
      throw new Failed(messages[failure], statements[completed]?.[0]);
    }
    // Only the last statement's messages are parsed: the rows of those before it (a SELECT of a function, say)
    // come without a description.
    let from = 0;
    for (let done = 0; done < statements.length - 1; from++) {
      if (messages[from]!.name === 'commandComplete') done++;
    }
    const results = parse.parseResults(messages.slice(from), pglite.parsers);
    const last = results[results.length - 1]!;
    return {
      rows: last.rows as unknown[],
      rowCount: last.affectedRows ?? last.rows.length,
      command: last.command,
    };
  }

  return {
    /**
     * Runs the statements one after the other in one call into the database; answers the last one's rows,
     * how many rows it touched, and its command tag (PostgreSQL answers COMMIT in a failed transaction with
     * ROLLBACK).
     */
    async run(...statements: Statement[]) {
      try {
        return await pipeline(statements);
      } catch (thrown) {
        if (!(thrown instanceof Failed)) throw thrown;
        const { error, text } = thrown;
        // A migration changed what a prepared SELECT * returns: PostgreSQL refuses its plan ("cached plan must
        // not change result type"). Prepared anew; run again at once unless a transaction failed with it.
        const stale = text === undefined ? undefined : prepared.get(text);
        if (sqlStateOf(error) !== SqlState.featureNotSupported || text === undefined || !stale) throw error;
        prepared.delete(text);
        await pglite.execProtocol(
          joined(serialize.close({ type: 'S', name: stale.name }), serialize.sync()),
          quietly,
        );
        if (pglite.isInTransaction()) throw error;
        return pipeline(statements);
      }
    },
  };
}

/** A statement of a pipeline failed: PostgreSQL's error, and the text of the statement that failed. */
class Failed {
  constructor(
    readonly error: unknown,
    readonly text: string | undefined,
  ) {}
}

/** A statement and its parameters. */
export type Statement = readonly [string, (readonly unknown[] | undefined)?];

/** Preparing and closing change no data: nothing to write to the file system after them. */
const quietly = { syncToFs: false };

function joined(...messages: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(messages.reduce((length, message) => length + message.length, 0));
  let at = 0;
  for (const message of messages) {
    all.set(message, at);
    at += message.length;
  }
  return all;
}
