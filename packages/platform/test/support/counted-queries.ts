import type { SqlClient } from '@tessera/platform/sql';

/**
 * `db` as code under test sees it, counting the statements it sends through `query` that `counts` picks:
 * how many round trips a piece of work makes is behaviour a test can assert.
 */
export function countedQueries(db: SqlClient, counts: (text: string) => boolean) {
  let count = 0;
  const client = new Proxy(db, {
    get(target, property) {
      if (property === 'query') {
        return (text: string, params?: readonly unknown[]) => {
          if (counts(text)) count++;
          return target.query(text, params);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { client, count: () => count };
}
