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

  async function execute(text: string, params: readonly unknown[]) {
    const statement = await prepare(text);
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serializer = pglite.serializers[statement.types[i] as number];
      return serializer ? serializer(param) : String(param);
    });
    const { messages } = await pglite.execProtocol(
      joined(
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ),
    );
    const result = parse.parseResults(messages, pglite.parsers)[0]!;
    return { rows: result.rows as unknown[], rowCount: result.affectedRows ?? result.rows.length };
  }

  return {
    async run(text: string, params: readonly unknown[] = []) {
      try {
        return await execute(text, params);
      } catch (error) {
        // A migration changed what a prepared SELECT * returns: PostgreSQL refuses its plan ("cached plan must
        // not change result type"). Prepared anew; run again at once unless a transaction failed with it.
        const stale = prepared.get(text);
        if (sqlStateOf(error) !== SqlState.featureNotSupported || !stale) throw error;
        prepared.delete(text);
        await pglite.execProtocol(
          joined(serialize.close({ type: 'S', name: stale.name }), serialize.sync()),
          quietly,
        );
        if (pglite.isInTransaction()) throw error;
        return execute(text, params);
      }
    },
  };
}

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
