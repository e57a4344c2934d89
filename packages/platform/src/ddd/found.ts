/**
 * What a look-up that must find found: the value, or the rule's error (usually a `notFound`) when there is
 * none. For queries that answer "no such thing" as an error rather than as nothing.
 */
export function found<T>(value: T | undefined, missing: () => Error): T {
  if (value === undefined) throw missing();
  return value;
}
