import { nextPage, pageQuery, pageRequest, problemResponse } from '@tessera/platform/http';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import type { ShoppingListView } from '../../application/ports.js';
import type { BotView } from '../../application/robot-operations.js';
import { MAX_BOT_ID_LENGTH } from '../../domain/bot.js';

export const tags = ['depot'];

/** Ids are UUIDs; lower-cased so that one list has one row whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

const statuses = ['pending', 'available', 'assigned', 'active', 'completed', 'canceled'] as const;

export const assignBody = z.strictObject({
  botId: z.string().trim().min(1).max(100).describe('The bot that will shop the list (1–100 characters)'),
});

export const listQuery = z.strictObject({
  status: z.enum(statuses).default('available').describe('Only lists in this status (default: available)'),
  ...pageQuery,
});
/** Lists are listed oldest first: a page's key is [created at, id]. */
export const oldestFirstPage = (query: z.output<typeof listQuery>) =>
  pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));

export const botsQuery = z.strictObject(pageQuery);
/** Bots are listed by id: a page's key is [id]. */
export const byIdPage = (query: z.output<typeof botsQuery>) =>
  pageRequest(query, 1, ([id]) => id!.length <= MAX_BOT_ID_LENGTH);

const shoppingListSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  status: z.enum(statuses),
  stops: z
    .array(
      z.object({
        storeId: z.uuid(),
        storeName: z.string(),
        storeLocation: z.string(),
        items: z.array(
          z.object({
            productId: z.uuid(),
            productName: z.string(),
            quantity: z.number().int(),
            outcome: z
              .enum(['picked', 'unavailable'])
              .optional()
              .describe('What the bot found, once it reported the item'),
          }),
        ),
      }),
    )
    .describe('One stop per store, in the order the stores first appear among the order’s items'),
  assignedBotId: z.string().optional().describe('The bot shopping it, once assigned'),
  createdAt: z.iso.datetime(),
});

/** Where a list answer is in the depot's changes: what its live route resumes after (ADR 0040). */
const position = z
  .number()
  .int()
  .describe(
    'The change position this answer shows: follow the live route from it (lastEventId) to miss no change',
  );

export const shoppingListEvent = shoppingListSchema;
export const shoppingListResponse = z.object({ shoppingList: shoppingListSchema });
export const shoppingListsResponse = z.object({
  shoppingLists: z.array(shoppingListSchema).describe('Oldest first'),
  next: nextPage,
  position,
});

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toShoppingListDto = (list: ShoppingListView) => ({
  id: list.id,
  orderId: list.orderId,
  status: list.status,
  stops: list.stops.map((stop) => ({
    storeId: stop.storeId,
    storeName: stop.storeName,
    storeLocation: stop.storeLocation,
    items: stop.items.map(({ productId, productName, quantity, outcome }) => ({
      productId,
      productName,
      quantity,
      ...(outcome === undefined ? {} : { outcome }),
    })),
  })),
  ...(list.assignedBotId === undefined ? {} : { assignedBotId: list.assignedBotId }),
  createdAt: list.createdAt.toISOString(),
});

export const botIdParams = z.object({
  id: z.string().trim().min(1).max(MAX_BOT_ID_LENGTH).describe('The bot’s id, as it connects with'),
});

const botSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z
    .enum(['offline', 'idle', 'shopping', 'returning'])
    .describe('offline (it may still hold a list), idle (connected, no list), shopping, or returning'),
  shoppingListId: z.uuid().optional().describe('The list it is shopping or bringing back'),
  lastSeenAt: z.iso.datetime().describe('When the bot last connected, disconnected or reported'),
});

export const botEvent = botSchema;
export const botResponse = z.object({ bot: botSchema });
export const botsResponse = z.object({
  bots: z.array(botSchema).describe('By id'),
  next: nextPage,
  position,
});

export const toBotDto = (bot: BotView) => ({
  id: bot.id,
  name: bot.name,
  status: bot.status,
  ...(bot.shoppingListId === undefined ? {} : { shoppingListId: bot.shoppingListId }),
  lastSeenAt: bot.lastSeenAt.toISOString(),
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  badRequest: 'The request is invalid (see code and errors)',
  notFound: 'No shopping list with that ID',
  conflict:
    'The shopping list cannot change so in its state (see code), or it was changed concurrently: reload it and try again',
};
export const botNotFound = problemResponse('No bot with that ID');
