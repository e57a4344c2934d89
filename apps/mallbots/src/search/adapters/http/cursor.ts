import type { Keyset } from '../../application/ports.js';

// The keyset as base64url JSON: opaque to clients, and checked on the way back in, so a tampered cursor is a
// 400 naming `next`, never a database error.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const encodeCursor = (keyset: Keyset): string =>
  Buffer.from(JSON.stringify([keyset.createdAt, keyset.orderId]), 'utf8').toString('base64url');

export function decodeCursor(cursor: string): Keyset | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [createdAt, orderId] = decoded as unknown[];
  if (typeof createdAt !== 'string' || !TIMESTAMP.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    return undefined;
  }
  if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > 200) return undefined;
  return { createdAt, orderId };
}
