import { ApiProblem, messageOf, preferredLocale } from '@tessera/web';
import { coffeecoMessages } from './messages.js';

/** What the person reads for a failed call: an `ApiProblem` in their language, anything else as unreachable. */
export const sentenceOf = (error: unknown): string =>
  messageOf(
    error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }),
    preferredLocale(),
    coffeecoMessages,
  );
