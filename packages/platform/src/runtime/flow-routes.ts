import { z } from 'zod';
import { type HttpServer, problemResponse } from '../http/index.js';
import { operators } from '../identity/audience.js';
import type { Broker } from '../messaging/index.js';
import { DEFAULT_CONVERSATIONS_LIMIT, DEFAULT_FLOW_LIMIT } from '../messaging/trail.js';

const tags = ['admin'];
// As the envelope allows them (messaging/envelope.ts).
const correlationId = z.string().min(1).max(200);

const sentSchema = z
  .object({
    id: z.string(),
    type: z
      .string()
      .describe('`<module>api.<Name>`: an event, a command, or `reply.Success`/`reply.Failure`'),
    subject: z.string().describe('The channel'),
    key: z.string().describe('What the message is ordered by (an aggregate’s id)'),
    source: z.string().describe('The module that sent it'),
    correlationId: z.string(),
    causationId: z.string().optional().describe('The message whose handling sent this one'),
    replyTo: z.string().optional().describe('A command’s: where its reply goes'),
    sentAt: z.iso.datetime(),
    traceId: z
      .string()
      .optional()
      .describe('The trace it was sent in (its traceparent’s), where its sending and handlings are spans'),
  })
  .meta({ id: 'FlowMessage' });

const handlingSchema = z
  .object({
    messageId: z.string(),
    group: z.string().describe('The consumer group (a module’s subscription) it reached'),
    outcome: z.enum(['handled', 'dead_lettered', 'pending']),
    at: z.iso.datetime().describe('When it was handled or dead-lettered; when pending, its next attempt'),
    attempts: z.number().int().optional(),
    reason: z.string().optional().describe('Why it was dead-lettered'),
    deadLetterId: z.uuid().optional().describe('The dead letter to inspect or re-drive'),
  })
  .meta({ id: 'FlowHandling' });

const flowSchema = z
  .object({
    correlationId: z.string(),
    messages: z.array(sentSchema).describe('Sent from this process, oldest first'),
    handlings: z.array(handlingSchema).describe('What this process’s consumer groups made of them'),
    truncated: z.boolean().describe('More than the limit: the oldest are shown'),
    tracesUrl: z
      .string()
      .optional()
      .describe(
        'Where an operator opens a trace, `{traceId}` where its id goes (TRACES_URL); absent: nowhere',
      ),
  })
  .meta({ id: 'Flow' });

const conversationSchema = z
  .object({ correlationId: z.string(), firstAt: z.iso.datetime(), lastAt: z.iso.datetime() })
  .meta({ id: 'Conversation' });

const badRequest = problemResponse('The request is invalid: `errors` names each field');
const iso = (date: Date) => date.toISOString();

/**
 * The message trail over HTTP (ADR 0041), per process as the dead letters are: one conversation's messages
 * sent from this process and their handlings here, and the conversations in which a key (an order's id) was
 * sent. A console asks every process (`/admin/topology`) and puts the answers in causal order, each message
 * linked to its trace where the process knows a trace UI (`tracesUrl`). Operators only: message types and keys
 * say what people did.
 */
export function registerFlowRoutes(
  http: HttpServer,
  broker: Broker,
  options: { readonly tracesUrl?: string | undefined } = {},
) {
  http.get(
    // The id in the query, not the path: a path segment is cut at 100 characters, an id may have 200.
    '/admin/messaging/flow',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'getMessageFlow',
        summary:
          'One conversation’s messages sent from this process, and what its consumer groups made of them',
        querystring: z.strictObject({
          correlationId: correlationId.describe('The conversation: its first request’s or message’s id'),
          limit: z.coerce.number().int().min(1).max(DEFAULT_FLOW_LIMIT).optional(),
        }),
        response: { 200: z.object({ flow: flowSchema }), 400: badRequest },
      },
    },
    async (request) => {
      const flow = await broker.trail.flow(request.query.correlationId, {
        limit: request.query.limit ?? DEFAULT_FLOW_LIMIT,
      });
      return {
        flow: {
          ...flow,
          messages: flow.messages.map((message) => ({ ...message, sentAt: iso(message.sentAt) })),
          handlings: flow.handlings.map((handling) => ({ ...handling, at: iso(handling.at) })),
          ...(options.tracesUrl === undefined ? {} : { tracesUrl: options.tracesUrl }),
        },
      };
    },
  );

  http.get(
    '/admin/messaging/conversations',
    {
      config: { audience: operators },
      schema: {
        tags,
        operationId: 'listConversations',
        summary: 'The conversations in which this process sent a message with this key, the latest first',
        querystring: z.strictObject({
          key: z.string().min(1).max(200).describe('A message key: the id of an order, a basket…'),
          limit: z.coerce.number().int().min(1).max(100).optional(),
        }),
        response: { 200: z.object({ conversations: z.array(conversationSchema) }), 400: badRequest },
      },
    },
    async (request) => {
      const found = await broker.trail.conversations(request.query.key, {
        limit: request.query.limit ?? DEFAULT_CONVERSATIONS_LIMIT,
      });
      return {
        conversations: found.map((c) => ({ ...c, firstAt: iso(c.firstAt), lastAt: iso(c.lastAt) })),
      };
    },
  );
}
