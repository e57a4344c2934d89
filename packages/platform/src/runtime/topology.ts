import { z } from 'zod';
import type { HttpServer } from '../http/index.js';
import { operators } from '../identity/audience.js';

/** The path of the route, in one process and at the gateway alike. */
export const TOPOLOGY_PATH = '/admin/topology';

const applicationSchema = z.object({
  name: z.string(),
  title: z.string(),
  admin: z
    .string()
    .describe('Where this application’s operators’ routes of this process are: `<admin>/sagas`…'),
  sagas: z.boolean().describe('Whether `<admin>/sagas` answers here'),
  projections: z.boolean().describe('Whether `<admin>/projections` answers here'),
});

const processSchema = z.object({
  modules: z.array(z.string()).describe('The modules this process runs'),
  admin: z
    .string()
    .describe(
      'Where this process’s platform routes are: `<admin>/messaging/dead-letters`, `…/lag`, `…/flow`',
    ),
  available: z.boolean().describe('False: the gateway could not reach this process now'),
  applications: z.array(applicationSchema),
});

export const topologySchema = z
  .object({ processes: z.array(processSchema) })
  .meta({ id: 'Topology' })
  .describe('Every process of the system with its modules, and where their operators’ routes are');

export type Topology = z.infer<typeof topologySchema>;
export type TopologyProcess = Topology['processes'][number];

/** What the host knows of each group of modules it mounted: its prefix, and its application when it has one. */
export interface MountedGroup {
  readonly prefix: string;
  readonly application: { readonly name: string; readonly title: string };
  readonly modules: readonly { readonly name: string }[];
}

/**
 * `GET /admin/topology`: this process as one entry, with where its operators' routes are (ADR 0041). The
 * gateway answers the same route for the distributed topology by asking every module's process and putting
 * each entry's paths behind `/admin/<module>`, so that a console finds every saga, projection and dead letter
 * of the system the same way, however it is deployed. Which routes exist is read from the server once it is
 * ready (a module registers its saga or projection routes as it starts).
 */
export function registerTopologyRoute(http: HttpServer, groups: readonly MountedGroup[]) {
  const has = (url: string) => http.hasRoute({ method: 'GET', url });
  http.get(
    TOPOLOGY_PATH,
    {
      config: { audience: operators },
      schema: {
        tags: ['admin'],
        operationId: 'getTopology',
        summary: 'This system’s processes, their modules, and where their operators’ routes are',
        response: { 200: topologySchema },
      },
    },
    async (): Promise<Topology> => ({
      processes: [
        {
          modules: groups.flatMap((group) => group.modules.map((module) => module.name)),
          admin: '/admin',
          available: true,
          applications: groups.map((group) => ({
            name: group.application.name,
            title: group.application.title,
            admin: `${group.prefix}/admin`,
            sagas: has(`${group.prefix}/admin/sagas`),
            projections: has(`${group.prefix}/admin/projections`),
          })),
        },
      ],
    }),
  );
}

/**
 * One process's entry as the gateway shows it: its paths behind `/admin/<module>` (the gateway's route to it),
 * its applications' behind `<prefix>/admin/<module>`.
 */
export function behindGateway(entry: TopologyProcess, module: string): TopologyProcess {
  const moved = (admin: string) => `${admin.slice(0, -'/admin'.length)}/admin/${module}`;
  return {
    ...entry,
    admin: moved(entry.admin),
    applications: entry.applications.map((application) => ({
      ...application,
      admin: moved(application.admin),
    })),
  };
}
