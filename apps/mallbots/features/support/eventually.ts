/**
 * Re-reads until `done` accepts the value: the modules react to each other's messages on their own time,
 * and polling the REST API is what a client does. Bounded, so that a flow that never happens fails the step
 * with the last value seen.
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting until ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Currency units as the REST API shows them → whole cents (ADR 0006). */
export const cents = (amount: number) => Math.round(amount * 100);

/** An assertion whose message cucumber prints as it is (it shows only the diff of node:assert's `ok`). */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
