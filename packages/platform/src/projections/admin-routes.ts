import { z } from 'zod';
import { notFound } from '../ddd/index.js';
import { type HttpServer, liveRoutes, problemResponse } from '../http/index.js';
import { operators } from '../identity/audience.js';
import { watchProjectionLag } from './metrics.js';
import type { Projector, RebuildResult } from './projector.js';

// The runtime's ADMIN_TAG name: the routes sit with the other operations routes (not imported, so that the
// runtime can import this file).
const tags = ['admin'];

const lagSchema = z
  .object({
    name: z.string(),
    position: z.number().int().describe('Position of the last event whose effects are committed'),
    headPosition: z.number().int().describe('Position of the last committed event in the store'),
    behind: z.number().int().describe('Events committed and not yet handled'),
    oldestPendingMs: z
      .number()
      .int()
      .optional()
      .describe('How long ago the oldest of them was recorded; absent when there are none'),
    rebuilding: z.boolean().describe('Replaying history: incomplete until position reaches replayUntil'),
    replayUntil: z
      .number()
      .int()
      .describe('Events at or below this position are replays of the last rebuild'),
    lastRebuiltAt: z.iso.datetime().optional().describe('When its last rebuild started, if ever'),
    replay: z
      .object({
        replayed: z.number().int().describe('Events replayed so far'),
        total: z.number().int().describe('Events to replay: those at or below replayUntil'),
      })
      .optional()
      .describe('While rebuilding: how far the replay has got (a progress bar’s)'),
  })
  .meta({ id: 'ProjectionLag' });

const problems = {
  badRequest: problemResponse('The projection name is invalid'),
  notFound: problemResponse('No projection of this name runs in this process'),
  conflict: problemResponse(
    'The projection is being rebuilt already (`projection_rebuilding`), or it cannot be rebuilt: it has no reset (`projection_not_resettable`)',
  ),
};

/**
 * Projections over HTTP: their lag, and a rebuild. Operators only. A rebuild runs in the background; its progress shows in the lag
 * (position against replayUntil) and in the logs.
 */
export function registerProjectionRoutes(
  http: HttpServer,
  projectors: readonly Projector[],
  onRebuilt: (outcome: RebuildResult | Error) => void = () => {},
) {
  const byName = new Map(projectors.map((projector) => [projector.name, projector]));
  const lags = () => Promise.all(projectors.map((projector) => projector.lag()));
  // As the routes answer them: times as ISO text.
  const answers = async () =>
    (await lags()).map(({ lastRebuiltAt, ...lag }) => ({
      ...lag,
      ...(lastRebuiltAt ? { lastRebuiltAt: lastRebuiltAt.toISOString() } : {}),
    }));
  const unwatch = watchProjectionLag(lags);
  http.addHook('onClose', async () => unwatch());

  http.get(
    '/admin/projections',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'listProjections',
        summary: 'How far behind each projection of this process is',
        response: { 200: z.object({ projections: z.array(lagSchema) }) },
      },
    },
    async () => ({ projections: await answers() }),
  );

  const moved = liveProjections(http, projectors, answers);

  http.post(
    '/admin/projections/:name/rebuild',
    {
      // Not inside an idempotency key's transaction: the reset must commit before the replay can run (the
      // projector's batches wait for the checkpoint's row, and on PGlite for the one connection). A request
      // sent twice rebuilds again, or meets the rebuild under way (409).
      config: { audience: operators, idempotency: false },
      schema: {
        tags,
        operationId: 'rebuildProjection',
        summary: 'Empty a projection and replay the history into it; it then goes on live',
        description:
          'Answers once the projection is reset, while the replay runs. Side-effect handlers (not replayable) ' +
          'do not run for replayed events; events appended meanwhile are handled live after them.',
        params: z.object({ name: z.string().min(1).max(200) }),
        response: {
          202: z.object({
            name: z.string(),
            replayUntil: z.number().int().describe('History up to this position is replayed'),
            total: z.number().int().describe('Events to replay'),
          }),
          400: problems.badRequest,
          404: problems.notFound,
          409: problems.conflict,
        },
      },
    },
    async (request, reply) => {
      const projector = byName.get(request.params.name);
      if (!projector)
        throw notFound('projection_not_found', `no projection ${request.params.name} runs here`);
      const rebuild = await projector.startRebuild();
      // Followers see the reset at once, however fast the replay (it moves the projector only when it ends).
      moved();
      rebuild.done.then(onRebuilt, (error: unknown) =>
        onRebuilt(error instanceof Error ? error : new Error(String(error))),
      );
      return reply
        .code(202)
        .send({ name: projector.name, replayUntil: rebuild.replayUntil, total: rebuild.total });
    },
  );
}

/** At most this often a live stream reads the lags again, however fast the projectors move (a replay). */
const LIVE_EVERY_MS = 250;
/** And at least this often, so that a projection that stopped moving (a failing batch) shows its lag growing. */
const LIVE_AT_LEAST_EVERY_MS = 5_000;

/**
 * `GET /admin/projections/live`: the projections' lags each time they move (a rebuild's progress bar), woken
 * by the projectors (`watch`), at most every 250 ms, and every 5 s besides (a stuck projection's lag grows
 * while nothing moves). What is sent is the state, not a log: each event holds every projection's lag, its id
 * a version of this process's view (the time the route started, in µs, plus the changes since), so that a
 * client resuming, after a restart too, gets the current state, and never the same one twice in a row.
 */
function liveProjections(
  http: HttpServer,
  projectors: readonly Projector[],
  lags: () => Promise<unknown[]>,
): () => void {
  let version = Date.now() * 1000;
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const wakers = new Set<() => void>();
  const bump = () => {
    timer = undefined;
    last = Date.now();
    version++;
    for (const wake of [...wakers]) wake();
  };
  const moved = () => {
    if (timer) return;
    timer = setTimeout(bump, Math.max(0, LIVE_EVERY_MS - (Date.now() - last)));
  };
  const unwatch = projectors.map((projector) => projector.watch(moved));
  const heartbeat = setInterval(moved, LIVE_AT_LEAST_EVERY_MS);
  heartbeat.unref();
  http.addHook('onClose', async () => {
    for (const stop of unwatch) stop();
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
  });
  liveRoutes(http, {
    tags,
    watch(wake) {
      wakers.add(wake);
      return () => wakers.delete(wake);
    },
  }).get('/admin/projections/live', 'followProjections', {
    audience: { roles: [] },
    summary: 'The projections of this process, sent again each time one moves (a rebuild’s progress)',
    events: { projections: z.object({ projections: z.array(lagSchema) }) },
    feed: async () => {
      // What this client was last sent: the same state is not sent twice.
      let sent: string | undefined;
      return {
        // A new client gets the current state at once.
        start: async () => version - 1,
        async changes(after) {
          if (after >= version) return [];
          const data = { projections: await lags() };
          const text = JSON.stringify(data);
          if (text === sent) return [];
          sent = text;
          return [{ position: version, event: 'projections', data }];
        },
      };
    },
  });
  return moved;
}
