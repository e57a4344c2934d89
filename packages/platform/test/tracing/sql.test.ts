import { SpanKind } from '@opentelemetry/api';
import { inSpan } from '@tessera/platform/observability';
import { pgliteTestDatabase, postgresTestDatabase } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failed, isChildOf, recordedSpans } from './support.js';

const spans = recordedSpans();
beforeAll(() => spans.start());
afterAll(() => spans.stop());

const statementOf = (text: string) => (span: { attributes: Record<string, unknown> }) =>
  span.attributes['db.query.text'] === text;

describe('the spans of PGlite queries', () => {
  it('are named and described as the pg instrumentation does, inside a traced piece of work', async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      const inside = 'SELECT 1 AS traced -- inside';
      const inTransaction = 'SELECT 2 AS traced -- in a transaction';
      await inSpan('test work', {}, async () => {
        await opened.db.query(inside);
        await opened.db.transaction(() => opened.db.query(inTransaction));
      });
      const work = await spans.named('test work');
      const query = await spans.named('pg.query:SELECT postgres', statementOf(inside));
      expect(query.kind).toBe(SpanKind.CLIENT);
      expect(isChildOf(query, work)).toBe(true);
      expect(query.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.namespace': 'postgres',
      });
      await spans.named(
        'pg.query:SELECT postgres',
        (s) => statementOf(inTransaction)(s) && isChildOf(s, work),
      );
      // BEGIN travels with the transaction's first statement (one message to the database's thread); the
      // COMMIT, with what was left to write at commit, is a span of its own.
      await spans.named('pg.query:COMMIT postgres', (s) => isChildOf(s, work));
    } finally {
      await opened.close();
    }
  });

  it('are not made outside any traced work, and a failing query marks its span', async () => {
    const opened = await pgliteTestDatabase.open();
    try {
      const outside = 'SELECT 3 AS untraced';
      await opened.db.query(outside);
      const failing = 'SELECT * FROM no_such_table';
      await expect(inSpan('test work', {}, () => opened.db.query(failing))).rejects.toThrow();
      const refused = await spans.named('pg.query:SELECT postgres', statementOf(failing));
      expect(failed(refused)).toBe(true);
      expect((await spans.finished()).filter(statementOf(outside))).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

describe('the queries of node-postgres', () => {
  it('get no span of the SQL layer (the pg instrumentation makes theirs: never two)', async () => {
    const opened = await postgresTestDatabase.open();
    try {
      const text = 'SELECT 4 AS traced_once';
      await inSpan('test work', {}, () => opened.db.query(text));
      await spans.named('test work');
      const made = (await spans.finished()).filter(
        (s) => s.attributes['db.query.text'] === text || s.attributes['db.statement'] === text,
      );
      // This worker loaded pg before telemetry started, so the instrumentation did not patch it: none.
      expect(made.filter((s) => s.instrumentationScope.name === '@tessera/platform')).toEqual([]);
      expect(made.length).toBeLessThanOrEqual(1);
    } finally {
      await opened.close();
    }
  });
});
