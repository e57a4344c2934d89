import { z } from 'zod';
import { mapPage, notFound } from '../ddd/index.js';
import {
  type HttpServer,
  nextPage,
  pageAnswer,
  pageQuery,
  pageRequest,
  problemResponse,
} from '../http/index.js';
import { operators } from '../identity/audience.js';
import type { Broker } from '../messaging/index.js';
import { watchConsumerLag } from '../messaging/metrics.js';
import { isTimestampKey, isUuid } from '../sql/index.js';
import { deadLetterSummary, REDRIVE_BATCH, redriveGroup } from './ops-cli.js';

/**
 * Operations on the messaging over HTTP: list, inspect and re-drive dead letters, and the consumer lag. The
 * host registers them in every process, whatever its modules, next to the same lag as gauges on /metrics.
 * Operators only (ADR 0023): a dead message may hold anyone's data.
 */
export const ADMIN_TAG = {
  name: 'admin',
  description: 'Operations: dead letters, consumer lag, sagas and projections. Operators only.',
};
const tags = [ADMIN_TAG.name];

const groupName = z.string().min(1).max(200);

const deadLetterSummarySchema = z
  .object({
    id: z.uuid().describe('The dead letter’s own id, what re-drive takes'),
    group: z.string().describe('The consumer group that failed to handle the message'),
    messageId: z.string(),
    subject: z.string(),
    type: z.string().describe('The message type, or empty for a message too malformed to have one'),
    reason: z.string().describe('The last failure’s error message'),
    attempts: z.number().int().describe('Failed attempts (0: a poison message the handler never saw)'),
    deadAt: z.iso.datetime(),
  })
  .meta({ id: 'DeadLetterSummary' });

const deadLetterSchema = deadLetterSummarySchema
  .extend({
    envelope: z.unknown().describe('The message as stored: an envelope, except for a poison message'),
  })
  .meta({ id: 'DeadLetter' });

const listQuery = z.strictObject({
  group: groupName.optional().describe('Only this consumer group’s'),
  ...pageQuery,
});

const idParams = z.object({ id: z.uuid().toLowerCase() });

const redriveBody = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(REDRIVE_BATCH).optional().describe('These dead letters'),
    group: groupName.optional().describe('Every dead letter this consumer group has now'),
  })
  .refine((body) => (body.ids === undefined) !== (body.group === undefined), {
    message: 'give either ids or group',
  })
  .describe('Either ids or group');

const lagSchema = z.object({
  groups: z.array(
    z.object({
      group: z.string(),
      pending: z.number().int().describe('Messages waiting, in flight, or waiting for a retry'),
      oldestPendingMs: z
        .number()
        .int()
        .optional()
        .describe('How long the oldest of them has waited, when the broker knows'),
      deadLetters: z.number().int(),
    }),
  ),
});

const problems = {
  badRequest: problemResponse('The request is invalid: `errors` names each field'),
  notFound: problemResponse('No dead letter has this id (it may have been re-driven)'),
  tooLarge: problemResponse('The request body is too large'),
};

export function registerAdminRoutes(http: HttpServer, broker: Broker) {
  const unwatch = watchConsumerLag(() => broker.lag());
  // Before the host closes the broker and the database: a scrape after that would only fail.
  http.addHook('onClose', async () => unwatch());

  http.get(
    '/admin/messaging/dead-letters',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'listDeadLetters',
        summary: 'List dead letters, the oldest first, of one consumer group or of all, a page at a time',
        querystring: listQuery,
        response: {
          200: z.object({ deadLetters: z.array(deadLetterSummarySchema), next: nextPage }),
          400: problems.badRequest,
        },
      },
    },
    async ({ query }) => {
      // A page's key is [dead at, id].
      const page = pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));
      return pageAnswer(
        'deadLetters',
        mapPage(await broker.deadLetters.page(query.group, page), deadLetterSummary),
      );
    },
  );

  http.get(
    '/admin/messaging/dead-letters/:id',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'getDeadLetter',
        summary: 'Get a dead letter with the message it holds',
        params: idParams,
        response: {
          200: z.object({ deadLetter: deadLetterSchema }),
          400: problems.badRequest,
          404: problems.notFound,
        },
      },
    },
    async (request) => {
      const letter = await broker.deadLetters.get(request.params.id);
      if (!letter) {
        throw notFound('dead_letter_not_found', `no dead letter has id ${request.params.id}`);
      }
      return { deadLetter: { ...deadLetterSummary(letter), envelope: letter.envelope } };
    },
  );

  http.post(
    '/admin/messaging/dead-letters/redrive',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'redriveDeadLetters',
        summary: 'Deliver dead letters again to their group (attempts start again at 1)',
        body: redriveBody,
        response: {
          200: z.object({
            redriven: z.number().int().describe('How many were moved; unknown ids are skipped'),
          }),
          400: problems.badRequest,
          413: problems.tooLarge,
        },
      },
    },
    async (request) => {
      const { ids, group } = request.body;
      const redriven =
        group === undefined ? await broker.deadLetters.redrive(ids ?? []) : await redriveGroup(broker, group);
      return { redriven };
    },
  );

  http.get(
    '/admin/messaging/lag',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'getConsumerLag',
        summary: 'How far behind each consumer group is',
        response: { 200: lagSchema },
      },
    },
    async () => ({ groups: await broker.lag() }),
  );
}
