import { invalidArgument } from './errors.js';

/**
 * The text as a rule keeps it: trimmed, and refused when nothing is left (`invalidArgument` with the rule's
 * code, message and field), so a name or an id of spaces never reaches an event.
 */
export function nonBlank(value: string, code: string, message: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidArgument(code, message, field);
  return trimmed;
}
