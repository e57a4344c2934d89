/** Currency units as the REST API shows them → whole cents (ADR 0006). */
export const cents = (amount: number) => Math.round(amount * 100);

/** An assertion whose message cucumber prints as it is (it shows only the diff of node:assert's `ok`). */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
