import { DomainError } from '../ddd/index.js';

/** The stream moved on since it was read: the caller may reload and retry, or report a conflict. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly streamName: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      'conflict',
      'concurrent_modification',
      `stream ${streamName} is at version ${actualVersion}, not the expected ${String(expectedVersion)}; it was changed concurrently`,
    );
    this.name = 'ConcurrencyError';
  }
}

/** A version number, or one of the three conditions an append can ask for. */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

export function encodeExpectedVersion(expected: ExpectedVersion): number {
  if (expected === 'any') return -1;
  if (expected === 'stream_exists') return -2;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0)
    throw new RangeError(`invalid expected version ${expected}`);
  return expected;
}
