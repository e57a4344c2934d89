import { useCallback, useEffect, useState } from 'react';
import { ApiProblem, createApi } from '../api.js';
import type { components, paths } from './admin-api.gen.js';

/**
 * The platform's operators' routes, typed by their own OpenAPI schemas (`admin-api.gen.ts`, generated): paths
 * relative to an admin base, which the topology gives (`/admin` in one process, `/admin/<module>` behind the
 * gateway), so the same screens work however the system is deployed (ADR 0041).
 */
export const adminApi = (base: string) => createApi<paths>({ baseUrl: base });

export type Schemas = components['schemas'];
export type Topology = Schemas['Topology'];
export type SagaSummary = Schemas['SagaSummary'];
export type SagaInstance = Schemas['SagaInstance'];
export type DeadLetterSummary = Schemas['DeadLetterSummary'];
export type DeadLetter = Schemas['DeadLetter'];
export type ProjectionLag = Schemas['ProjectionLag'];
export type Flow = Schemas['Flow'];
export type FlowMessage = Schemas['FlowMessage'];
export type FlowHandling = Schemas['FlowHandling'];

/** Where one part of the system answers: a process (messaging) or an application in a process (sagas…). */
export interface Place {
  /** What an operator reads: the application and the modules there. */
  readonly label: string;
  readonly base: string;
}

/** The processes whose messaging (dead letters, lag, flows) an operator looks at: every reachable one. */
export function messagingPlaces(topology: Topology, application?: string): Place[] {
  return topology.processes
    .filter(
      (process) =>
        process.available &&
        (application === undefined || process.applications.some((a) => a.name === application)),
    )
    .map((process) => ({ label: process.modules.join(', '), base: process.admin }));
}

/** The applications' routes of one kind (`sagas`, `projections`), wherever they run. */
export function placesWith(topology: Topology, kind: 'sagas' | 'projections', application?: string): Place[] {
  return topology.processes.flatMap((process) =>
    process.applications
      .filter((a) => a[kind] && (application === undefined || a.name === application))
      .map((a) => ({ label: `${a.title}: ${process.modules.join(', ')}`, base: a.admin })),
  );
}

/** The processes no operator can reach now (the gateway could not). */
export const unavailable = (topology: Topology) =>
  topology.processes.filter((process) => !process.available).flatMap((process) => process.modules);

/** A read the screen shows: its data once loaded, the problem if it failed, and how to read it again. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly problem: ApiProblem | undefined;
  readonly reload: () => Promise<void>;
}

/** Reads `load` when `key` changes (and on `reload`); a failure is kept as a problem to show, never thrown. */
export function useLoaded<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<ApiProblem>();
  // `key` says when `load` reads something else: a new closure alone is no reason to read again.
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setProblem(undefined);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { code: 'unreachable' }));
    }
  }, [key]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, problem, reload };
}
