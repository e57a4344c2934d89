import { invalidArgument, mapPage } from '@tessera/platform/ddd';
import { type HttpServer, liveRoutes, ownerFrom, pageAnswer, restRoutes } from '@tessera/platform/http';
import { coffeeShopsRoles } from '../../../coffee-shops/contract/roles.js';
import type { LoyaltyQueries } from '../../application/queries.js';
import {
  cardParams,
  cardResponse,
  cardsQuery,
  cardsResponse,
  cardView,
  historyQuery,
  historyResponse,
  liveCardQuery,
  newestCardsFirst,
  newestEntriesFirst,
  problems,
  tags,
  toCardDto,
  toEntryDto,
} from './schemas.js';

const { coffeeLover, barista, storeManager } = coffeeShopsRoles;

/**
 * The REST routes of Loyalty under /api/loyalty: reading CoffeeBux cards, and following one live. A coffee
 * lover sees their own cards; baristas and store managers see anyone's (to tell a customer at the till). Cards change by purchases only
 * (stamps from the shops' events, free drinks through the FreeDrinksService), never by a route.
 */
export function registerLoyaltyRoutes(
  http: HttpServer,
  {
    queries,
    watch,
    heartbeatMs,
  }: {
    queries: LoyaltyQueries;
    /** Wakes the live streams when a card may have changed (module.ts: appends to the cards' event store). */
    watch: (wake: () => void) => () => void;
    heartbeatMs?: number;
  },
) {
  const rest = restRoutes(http, { tags, problems });
  const live = liveRoutes(http, {
    tags,
    problems: { badRequest: problems.badRequest },
    watch,
    ...(heartbeatMs !== undefined && { heartbeatMs }),
  });
  const everyone = [coffeeLover, barista, storeManager];
  const cardOwner = ownerFrom(
    async (request: { params: { cardId: string } }) =>
      (await queries.card(request.params.cardId)).coffeeLoverId,
  );

  rest.get('/api/loyalty/cards', 'listCoffeeBuxCards', {
    audience: { roles: everyone, owner: async (request) => request.query.coffeeLoverId },
    summary:
      "A coffee lover's CoffeeBux cards (one per store), newest first; staff say whose with coffeeLoverId",
    querystring: cardsQuery,
    ok: cardsResponse,
    handler: async ({ query, ownOnly, principal }) => {
      // A coffee lover who names no one still sees only their own.
      const coffeeLoverId = query.coffeeLoverId ?? (ownOnly ? principal?.subject : undefined);
      if (coffeeLoverId === undefined) {
        throw invalidArgument('coffee_lover_missing', 'say whose cards: coffeeLoverId', 'coffeeLoverId');
      }
      const page = await queries.cardsOf(coffeeLoverId, newestCardsFirst(query));
      return pageAnswer('cards', mapPage(page, toCardDto));
    },
  });

  live.get('/api/loyalty/cards/live', 'followCoffeeBuxCard', {
    audience: { roles: everyone, owner: async (request) => request.query.coffeeLoverId },
    summary: "A coffee lover's CoffeeBux card at a store as it changes: its balance after each purchase",
    description:
      'Each event is the card as a change left it, its id the card’s version. Without a last event id the card ' +
      'as it is now comes first; a card not issued yet sends nothing until its first stamp issues it. A till ' +
      'follows its customer’s card; a coffee lover follows their own (coffeeLoverId may be left out).',
    querystring: liveCardQuery,
    events: { card: cardView },
    feed: async ({ query, ownOnly, principal }) => {
      const coffeeLoverId = query.coffeeLoverId ?? (ownOnly ? principal?.subject : undefined);
      if (coffeeLoverId === undefined) {
        throw invalidArgument('coffee_lover_missing', 'say whose card: coffeeLoverId', 'coffeeLoverId');
      }
      return {
        start: async () => 0,
        changes: async (after) => {
          const card = await queries.cardAtStoreAfter(coffeeLoverId, query.storeId, after);
          return card ? [{ position: card.version, event: 'card', data: toCardDto(card) }] : [];
        },
      };
    },
  });

  rest.get('/api/loyalty/cards/:cardId', 'getCoffeeBuxCard', {
    audience: { roles: everyone, owner: cardOwner },
    summary: 'A CoffeeBux card’s balance: its free drinks, and the drinks to go until the next',
    params: cardParams,
    ok: cardResponse,
    handler: async ({ params }) => ({ card: toCardDto(await queries.card(params.cardId)) }),
  });

  rest.get('/api/loyalty/cards/:cardId/history', 'getCoffeeBuxHistory', {
    audience: { roles: everyone, owner: cardOwner },
    summary: 'A CoffeeBux card’s history (issue, stamps, free drinks earned and redeemed), newest first',
    params: cardParams,
    querystring: historyQuery,
    ok: historyResponse,
    handler: async ({ params, query }) =>
      pageAnswer(
        'history',
        mapPage(await queries.history(params.cardId, newestEntriesFirst(query)), toEntryDto),
      ),
  });
}
