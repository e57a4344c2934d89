import { ApiProblem } from '@tessera/web';
import { useCallback, useEffect, useState } from 'react';
import type { ApplicationItem } from './lc.js';

export interface ApplicationsPage {
  readonly _embedded: { readonly 'lc-applications': readonly ApplicationItem[] };
  readonly next?: string;
  readonly position: number;
}

/** A list of applications read a page at a time: the first at once, the next ones when asked for. */
export function usePagedApplications(read: (after: string | undefined) => Promise<ApplicationsPage>) {
  const [items, setItems] = useState<readonly ApplicationItem[]>();
  const [next, setNext] = useState<string>();
  const [problem, setProblem] = useState<ApiProblem>();
  const load = useCallback(
    async (after: string | undefined) => {
      try {
        const page = await read(after);
        setItems((had) => [
          ...(after === undefined ? [] : (had ?? [])),
          ...page._embedded['lc-applications'],
        ]);
        setNext(page.next);
      } catch (error) {
        setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }));
      }
    },
    [read],
  );
  useEffect(() => {
    void load(undefined);
  }, [load]);
  return { items, problem, more: next === undefined ? undefined : () => load(next) };
}
