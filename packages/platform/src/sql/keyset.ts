/**
 * A timestamptz column as a part of a page's sort key (ddd/pages.ts): text, in UTC and to the microsecond, so
 * that it compares as the column does and casts back to the same instant (a JavaScript Date keeps only
 * milliseconds: rows a millisecond apart would be skipped or repeated across pages).
 */
export const timestampKey = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const TIMESTAMP_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Whether `text` is a `timestampKey` as the database wrote it (a cursor's part, coming back from a client). */
export const isTimestampKey = (text: string) => TIMESTAMP_KEY.test(text) && !Number.isNaN(Date.parse(text));
