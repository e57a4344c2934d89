import { problemResponse } from '@tessera/platform/http';
import { z } from 'zod';
import type { ShoppingListView } from '../../application/ports.js';

export const tags = ['depot'];

/** Ids are UUIDs; lower-cased so that one list has one row whatever case the client sends. */
export const idParams = z.object({ id: z.uuid().toLowerCase() });

const statuses = ['pending', 'available', 'assigned', 'active', 'completed', 'canceled'] as const;

export const MAX_LIST_LIMIT = 100;

export const assignBody = z.strictObject({
  botId: z.string().trim().min(1).max(100).describe('The bot that will shop the list (1–100 characters)'),
});

export const noContent = (description: string) => z.undefined().describe(description);

export const listQuery = z.strictObject({
  status: z.enum(statuses).default('available').describe('Only lists in this status (default: available)'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .default(50)
    .describe(`At most this many (1–${MAX_LIST_LIMIT}, default 50)`),
});

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
          z.object({ productId: z.uuid(), productName: z.string(), quantity: z.number().int() }),
        ),
      }),
    )
    .describe('One stop per store, in the order the stores first appear among the order’s items'),
  assignedBotId: z.string().optional().describe('The bot shopping it, once assigned'),
  createdAt: z.iso.datetime(),
});

export const shoppingListResponse = z.object({ shoppingList: shoppingListSchema });
export const shoppingListsResponse = z.object({
  shoppingLists: z.array(shoppingListSchema).describe('Oldest first'),
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
    items: stop.items.map(({ productId, productName, quantity }) => ({ productId, productName, quantity })),
  })),
  ...(list.assignedBotId === undefined ? {} : { assignedBotId: list.assignedBotId }),
  createdAt: list.createdAt.toISOString(),
});

/** Error answers the routes may give, documented as RFC 9457 problem details. */
export const problems = {
  badRequest: problemResponse('The request is invalid, or the list cannot change so (see code and errors)'),
  notFound: problemResponse('No shopping list with that ID'),
  conflict: problemResponse('The shopping list was changed concurrently; reload it and try again'),
  tooLarge: problemResponse('The request body is larger than the server accepts'),
};
