import { ApiProblem, messageOf, platformMessages, preferredLocale } from '@tessera/web';
import { useCallback, useState } from 'react';
import { lcMessages } from './messages.js';

const locale = preferredLocale();

const asProblem = (error: unknown) =>
  error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable', title: String(error) });

/** Does the server's field (`body.address.country`) belong to one a form shows (`address.country`)? */
const placedAt = (field: string, shown: string) => field === shown || field === `body.${shown}`;

export interface Action {
  readonly busy: boolean;
  readonly problem: ApiProblem | undefined;
  /** Runs a call to the API: whether it succeeded (a problem it answered is kept, to be shown). */
  run(call: () => Promise<unknown>): Promise<boolean>;
  /**
   * The server's message for one field of the form, to show next to it: a rule of the bank's (a problem code
   * these pages know) in the person's language, a malformed value in the server's words.
   */
  fieldError(field: string): string | undefined;
  /**
   * What the form says above itself: nothing when every invalid field is shown next to its input, else the
   * problem as a sentence (and any invalid field the form does not show).
   */
  sentence: string | undefined;
  clear(): void;
}

/**
 * One task's call and its outcome. `fields` are the inputs the form shows (`amount`, `address.city`): a
 * problem naming one of them is placed there, the rest is said above the form, never as raw JSON.
 */
export function useAction(fields: readonly string[] = []): Action {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem>();
  const run = useCallback(async (call: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await call();
      return true;
    } catch (error) {
      setProblem(asProblem(error));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const known =
    problem?.code !== undefined && (problem.code in lcMessages || problem.code in platformMessages);
  const fieldError = (field: string) => {
    const error = problem?.errors.find((one) => placedAt(one.field, field));
    if (!error || !problem) return undefined;
    return known && problem.errors.length === 1 ? messageOf(problem, locale, lcMessages) : error.message;
  };
  const unplaced =
    problem?.errors.filter((error) => !fields.some((shown) => placedAt(error.field, shown))) ?? [];
  let sentence: string | undefined;
  if (problem) {
    if (problem.errors.length === 0) sentence = messageOf(problem, locale, lcMessages);
    else if (unplaced.length === 0)
      sentence = messageOf({ ...problem, code: 'validation' }, locale, platformMessages);
    else
      sentence = `${messageOf(known ? problem : { ...problem, code: 'validation' }, locale, lcMessages)} ${unplaced
        .map((error) => `${error.field.replace(/^body\./, '')}: ${error.message}.`)
        .join(' ')}`;
  }
  return { busy, problem, run, fieldError, sentence, clear: () => setProblem(undefined) };
}
