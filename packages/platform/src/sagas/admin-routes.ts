import { z } from 'zod';
import { invalidArgument, notFound } from '../ddd/index.js';
import { type HttpServer, nextPage, pageQuery, problemResponse } from '../http/index.js';
import { operators } from '../identity/audience.js';
import type { SagaInspection } from './inspection.js';

const tags = ['admin'];
const statuses = ['running', 'compensating', 'completed', 'compensated', 'failed'] as const;

const summarySchema = z
  .object({
    saga: z.string().describe('The saga or process manager, e.g. cosec.CreateOrder'),
    id: z.string(),
    step: z
      .number()
      .int()
      .describe('The step last executed (−1: none); for a process manager, messages handled'),
    status: z.enum(statuses),
    awaiting: z.string().optional().describe('The id of the command whose reply it waits for'),
    version: z.number().int(),
    startedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SagaSummary' });

const instanceSchema = summarySchema
  .extend({
    data: z.unknown().describe('The saga data, or the process manager state'),
    deadlines: z.array(z.string()).describe('A process manager’s pending deadlines, by name'),
    history: z.array(
      z.object({
        at: z.iso.datetime(),
        step: z.number().int().optional(),
        event: z.string(),
        detail: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  })
  .meta({ id: 'SagaInstance' });

const listQuery = z.strictObject({
  saga: z.string().min(1).max(200).optional().describe('Only this saga’s'),
  status: z.enum(statuses).optional(),
  // Pages as every list route does; the cursor is the inspection's own.
  ...pageQuery,
});

const iso = <T extends { startedAt: Date; updatedAt: Date }>(value: T) => ({
  ...value,
  startedAt: value.startedAt.toISOString(),
  updatedAt: value.updatedAt.toISOString(),
});

/**
 * Operators' view of sagas and process managers: list them (newest first) and inspect one with its
 * history. Operators only.
 */
export function registerSagaAdminRoutes(http: HttpServer, inspection: SagaInspection) {
  http.get(
    '/admin/sagas',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'listSagas',
        summary: 'List saga and process manager instances, newest first',
        querystring: listQuery,
        response: {
          200: z.object({
            instances: z.array(summarySchema),
            next: nextPage,
          }),
          400: problemResponse('The request is invalid: `errors` names each field'),
        },
      },
    },
    async (request) => {
      const { after, ...filter } = request.query;
      const page = await inspection.list({ ...filter, ...(after ? { after } : {}) }).catch((error: Error) => {
        throw invalidArgument('bad_cursor', error.message, 'after');
      });
      return { instances: page.instances.map(iso), ...(page.next ? { next: page.next } : {}) };
    },
  );

  http.get(
    '/admin/sagas/:saga/:id',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'getSaga',
        summary: 'Get a saga or process manager instance with its history',
        params: z.object({ saga: z.string().min(1).max(200), id: z.string().min(1).max(200) }),
        response: {
          200: z.object({ instance: instanceSchema }),
          400: problemResponse('The request is invalid: `errors` names each field'),
          404: problemResponse('No such instance'),
        },
      },
    },
    async (request) => {
      const { saga, id } = request.params;
      const instance = await inspection.get(saga, id);
      if (!instance) throw notFound('saga_not_found', `no instance ${id} of ${saga}`);
      return {
        instance: {
          ...iso(instance),
          deadlines: [...instance.deadlines],
          history: instance.history.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
        },
      };
    },
  );
}
