import { ApiProblem, messageOf } from '@tessera/web';
import { useCallback, useState } from 'react';
import { mallbotsMessages } from '../src/messages.js';
import { locale } from './words.js';

/** Any failure as the problem a page shows (a thrown non-problem is the server being unreachable). */
export const asProblem = (error: unknown): ApiProblem =>
  error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable', title: 'unreachable' });

/** A problem as a sentence in the customer's language: MallBots' table, then the platform's. */
export const sentenceOf = (error: unknown): string => messageOf(asProblem(error), locale, mallbotsMessages);

/**
 * What a screen says went wrong, and a way to run an action that may fail: the failure becomes the sentence
 * (never the raw answer), and `busy` is true while the action runs.
 */
export function useAction() {
  const [problem, setProblem] = useState<ApiProblem>();
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(undefined);
    try {
      return await action();
    } catch (error) {
      setProblem(asProblem(error));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  // A refusal that names fields is said next to each of them; above the form, what to do about it.
  const message =
    problem &&
    (problem.errors.length > 0
      ? messageOf({ status: 400, code: 'validation', title: '' }, locale, mallbotsMessages)
      : messageOf(problem, locale, mallbotsMessages));
  /** What is wrong with one field, in the customer's language when its code has a sentence. */
  const fieldError = (field: string) => {
    const said = problem?.fieldError(field);
    if (said === undefined || !problem) return undefined;
    const known = problem.code ? mallbotsMessages[problem.code] : undefined;
    return known?.[locale] ?? known?.en ?? said;
  };
  return { problem, message, fieldError, busy, run, clear: () => setProblem(undefined) };
}

/** Whole cents of an amount in currency units, as the API gives prices and totals. */
export const centsOf = (amount: number) => Math.round(amount * 100);

/** An amount in currency units, as the customer's language writes money. */
export const money = (amount: number) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(amount);
