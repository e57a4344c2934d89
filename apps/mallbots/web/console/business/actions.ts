import { ApiProblem, messageOf, preferredLocale } from '@tessera/web';
import { useCallback, useState } from 'react';
import { consoleMessages } from './messages.js';

/** A problem as the screens say it: a sentence in the person's language, and the server's word per field. */
export interface Said {
  /** For the alert above the form: what went wrong, or "see the messages next to them". */
  readonly message: string;
  /** The error for one of the form's inputs, shown next to it. */
  field(name: string): string | undefined;
}

const sentence = (text: string) =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}`.replace(/([^.])$/, '$1.');

/**
 * How a failed call reads. A rule the console knows is said in the person's language, next to the input it
 * names; an input the server refused for its shape (too long, not a number) keeps the server's words there.
 * `fields`: the inputs the form shows, so that an alert never points at a message nobody can see.
 */
export function said(error: unknown, fields: readonly string[] = []): Said {
  const problem = error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' });
  const locale = preferredLocale();
  const rule = messageOf(problem, locale, consoleMessages);
  const known = problem.code !== undefined && consoleMessages[problem.code] !== undefined;
  const shown = fields.filter((name) => problem.fieldError(name) !== undefined);
  return {
    message: shown.length > 0 ? messageOf({ status: 400, code: 'validation', title: '' }, locale) : rule,
    field(name) {
      const server = problem.fieldError(name);
      if (server === undefined) return undefined;
      return known ? rule : sentence(server);
    },
  };
}

/**
 * One action of a screen (a form's submit, a button): whether it runs, and what the server said when it
 * refused. `run` resolves true when the action succeeded.
 */
export function useAction(fields: readonly string[] = []) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Said>();
  const names = fields.join(',');
  const run = useCallback(
    async (action: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setProblem(undefined);
      try {
        await action();
        return true;
      } catch (error) {
        setProblem(said(error, names ? names.split(',') : []));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [names],
  );
  return { busy, problem, run };
}
