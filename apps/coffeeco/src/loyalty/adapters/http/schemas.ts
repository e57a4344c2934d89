import { nextPage, pageQuery, pageRequest } from '@tessera/platform/http';
import { isTimestampKey, isUuid } from '@tessera/platform/sql';
import { z } from 'zod';
import type { CardView, HistoryEntry } from '../../application/ports.js';

export const tags = ['loyalty'];

/** Card ids are UUIDs, lower-cased so that one card is found whatever case the client sends. */
export const cardParams = z.object({ cardId: z.uuid().toLowerCase() });

export const cardsQuery = z.strictObject({
  coffeeLoverId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Whose cards (staff must say; a coffee lover sees their own, whether they say so or not)'),
  ...pageQuery,
});
/** Cards are listed newest first: a page's key is [issued at, card id]. */
export const newestCardsFirst = (query: z.output<typeof cardsQuery>) =>
  pageRequest(query, 2, ([at, id]) => isTimestampKey(at!) && isUuid(id!));

export const historyQuery = z.strictObject({ ...pageQuery });
/** A history is listed newest first: a page's key is the sequence of its last entry. */
export const newestEntriesFirst = (query: z.output<typeof historyQuery>) =>
  pageRequest(query, 1, ([sequence]) => /^[1-9]\d{0,8}$/.test(sequence!));

export const liveCardQuery = z.strictObject({
  coffeeLoverId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Whose card (staff must say; a coffee lover follows their own, whether they say so or not)'),
  storeId: z.string().min(1).max(200).describe('The store the card is for'),
});

const card = z
  .object({
    cardId: z.uuid(),
    coffeeLoverId: z.string(),
    storeId: z.string(),
    freeDrinksAvailable: z.number().int().describe('Free drinks the card can pay for now'),
    drinksToGo: z
      .number()
      .int()
      .describe('Drinks bought with money until the next free drink (10 on a new card)'),
    issuedAt: z.iso.datetime().describe('When its first stamp issued it'),
  })
  .meta({ id: 'CoffeeBuxCard' })
  .describe("A coffee lover's CoffeeBux card at a store, and its balance");

const entry = z
  .object({
    sequence: z.number().int().describe("The entry's place in the card's history: 1 for its issue"),
    kind: z.enum(['issued', 'stamp', 'free-drink-earned', 'free-drinks-redeemed']),
    purchaseId: z
      .string()
      .optional()
      .describe('The purchase that stamped the card or that free drinks paid for'),
    drinks: z.number().int().optional().describe('For a redemption: how many free drinks it took'),
    at: z.iso.datetime(),
  })
  .meta({ id: 'CoffeeBuxHistoryEntry' });

export const cardView = card;
export const cardResponse = z.object({ card });
export const cardsResponse = z.object({ cards: z.array(card), next: nextPage });
export const historyResponse = z.object({ history: z.array(entry), next: nextPage });

/** Views map to the wire shape explicitly, so a new column never leaks into the API by accident. */
export const toCardDto = (view: CardView) => ({
  cardId: view.cardId,
  coffeeLoverId: view.coffeeLoverId,
  storeId: view.storeId,
  freeDrinksAvailable: view.freeDrinksAvailable,
  drinksToGo: view.drinksToGo,
  issuedAt: view.issuedAt,
});

export const toEntryDto = (view: HistoryEntry) => ({
  sequence: view.sequence,
  kind: view.kind,
  ...(view.purchaseId !== undefined && { purchaseId: view.purchaseId }),
  ...(view.drinks !== undefined && { drinks: view.drinks }),
  at: view.at,
});

/** How the routes describe the problems they give (RFC 9457 problem details), by kind. */
export const problems = {
  badRequest: 'The request is invalid: `errors` names each field',
  notFound: 'No such CoffeeBux card',
};
