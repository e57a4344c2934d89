import { ApiProblem, type LiveState, must, useLive } from '@tessera/web';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { API, type Application, type ApplicationItem } from './lc.js';

/**
 * One application as it is now (`GET /lc-applications/{id}`, which reads its own writes), with the tasks it
 * offers; with `live`, followed on its live route (ADR 0029): each change of its view (the checks, a
 * reminder, a decision) reads the application again, so its links are always the server's latest.
 */
export function useApplication(id: string, { live }: { live: boolean }) {
  const [application, setApplication] = useState<Application>();
  const [view, setView] = useState<ApplicationItem>();
  const [problem, setProblem] = useState<ApiProblem>();
  const asked = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++asked.current;
    try {
      const read = await must(() =>
        api.GET('/letters-of-credit/api/lc-applications/{id}', { params: { path: { id } } }),
      );
      // Answers can cross: only the latest question's answer is shown.
      if (mine === asked.current) {
        setApplication(read);
        setProblem(undefined);
      }
    } catch (error) {
      if (mine === asked.current)
        setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }));
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const state: LiveState = useLive(live && application ? `${API}/lc-applications/${id}/live` : undefined, {
    events: ['application'],
    onEvent: ({ data }) => {
      setView(data as ApplicationItem);
      void reload();
    },
  });
  return { application, view, problem, reload, live: state };
}
