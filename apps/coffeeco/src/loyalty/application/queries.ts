import { notFound, type Page, type PageRequest } from '@tessera/platform/ddd';
import type { CardView, CardViews, HistoryEntry } from './ports.js';

export interface LoyaltyQueries {
  /** A coffee lover's cards (one per store where they bought a drink), newest first. */
  cardsOf(coffeeLoverId: string, page: PageRequest): Promise<Page<CardView>>;
  /** A card's balance: its free drinks, and the drinks to go until the next. Not found: a DomainError. */
  card(cardId: string): Promise<CardView>;
  /** A card's history, newest first. Not found: a DomainError. */
  history(cardId: string, page: PageRequest): Promise<Page<HistoryEntry>>;
  /**
   * A coffee lover's card at a store if it changed after `afterVersion` (0: if it exists), else undefined: what
   * a live stream of it sends next. A card not issued yet is no error: its first stamp will issue it.
   */
  cardAtStoreAfter(
    coffeeLoverId: string,
    storeId: string,
    afterVersion: number,
  ): Promise<CardView | undefined>;
}

export const cardNotFound = () => notFound('card_not_found', 'no CoffeeBux card with that id');

/** Reads only: none of them changes anything (CQRS), and each reads the query model the saves keep. */
export function createLoyaltyQueries({
  views,
  cardIdFor,
}: {
  views: CardViews;
  /** The id of a coffee lover's card at a store (module.ts), whether it is issued yet or not. */
  cardIdFor: (coffeeLoverId: string, storeId: string) => string;
}): LoyaltyQueries {
  const card = async (cardId: string) => {
    const found = await views.find(cardId);
    if (!found) throw cardNotFound();
    return found;
  };
  return {
    cardsOf: (coffeeLoverId, page) => views.listOf(coffeeLoverId, page),
    card,
    async history(cardId, page) {
      await card(cardId);
      return views.history(cardId, page);
    },
    async cardAtStoreAfter(coffeeLoverId, storeId, afterVersion) {
      const found = await views.find(cardIdFor(coffeeLoverId, storeId));
      return found && found.version > afterVersion ? found : undefined;
    },
  };
}
