import { pageOf } from '@tessera/platform/ddd';
import type { EventStore, RecordedEvent, SaveOutbox } from '@tessera/platform/eventstore';
import { isUuid, type Queryable, rowOfUuid, timestampKey } from '@tessera/platform/sql';
import type {
  CardView,
  CardViews,
  HistoryEntry,
  RedemptionRequest,
  Redemptions,
  StampedPurchases,
} from '../../application/ports.js';
import type { FreeDrinksOutcome } from '../../contract/free-drinks.js';
import type * as CoffeeBux from '../../domain/coffee-bux.js';

interface CardRow {
  card_id: string;
  coffee_lover_id: string;
  store_id: string;
  free_drinks_available: number;
  drinks_to_go: number;
  issued_at: Date | string;
  version: number;
}

const COLUMNS = 'card_id, coffee_lover_id, store_id, free_drinks_available, drinks_to_go, issued_at';
const READ_COLUMNS = `${COLUMNS}, version`;

const toView = (row: CardRow): CardView => ({
  cardId: row.card_id,
  coffeeLoverId: row.coffee_lover_id,
  storeId: row.store_id,
  freeDrinksAvailable: row.free_drinks_available,
  drinksToGo: row.drinks_to_go,
  issuedAt: new Date(row.issued_at).toISOString(),
  version: Number(row.version),
});

/**
 * What every save of a card writes beside its events, in their transaction: the card's row of the query model,
 * its balance as the save left it. The row exists if and only if the card's events do, and is never behind them.
 */
export function cardRows(db: Queryable): SaveOutbox<CoffeeBux.State> {
  return {
    async publish(cardId, state, events) {
      if (state.status !== 'issued') return;
      const last = events[events.length - 1]!;
      await db.query(
        `INSERT INTO coffeeco_loyalty.cards (${COLUMNS}, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (card_id) DO UPDATE
            SET free_drinks_available = excluded.free_drinks_available, drinks_to_go = excluded.drinks_to_go,
                version = excluded.version, updated_at = now()`,
        [
          cardId,
          state.coffeeLoverId,
          state.storeId,
          state.freeDrinksAvailable,
          state.remainingDrinkPurchasesUntilFreeDrink,
          last.recordedAt,
          last.streamVersion,
        ],
      );
    },
  };
}

export function postgresStampedPurchases(db: Queryable): StampedPurchases {
  return {
    async firstTime(purchaseId, cardId) {
      const { rowCount } = await db.query(
        `INSERT INTO coffeeco_loyalty.stamped_purchases (purchase_id, card_id) VALUES ($1, $2)
         ON CONFLICT (purchase_id) DO NOTHING`,
        [purchaseId, cardId],
      );
      return rowCount === 1;
    },
  };
}

interface RedemptionRow {
  coffee_lover_id: string;
  store_id: string;
  drinks: number;
  outcome: FreeDrinksOutcome | null;
}

export function postgresRedemptions(db: Queryable): Redemptions {
  return {
    async claim(request) {
      // The insert takes the purchase's row: a concurrent claim of it waits here for this transaction's end.
      const { rowCount } = await db.query(
        `INSERT INTO coffeeco_loyalty.redemptions (purchase_id, coffee_lover_id, store_id, drinks)
         VALUES ($1, $2, $3, $4) ON CONFLICT (purchase_id) DO NOTHING`,
        [request.purchaseId, request.coffeeLoverId, request.storeId, request.drinks],
      );
      if (rowCount === 1) return undefined;
      const { rows } = await db.query<RedemptionRow>(
        `SELECT coffee_lover_id, store_id, drinks, outcome FROM coffeeco_loyalty.redemptions
          WHERE purchase_id = $1`,
        [request.purchaseId],
      );
      const row = rows[0];
      if (!row?.outcome) throw new Error(`the redemption of purchase ${request.purchaseId} has no outcome`);
      const earlier: RedemptionRequest = {
        purchaseId: request.purchaseId,
        coffeeLoverId: row.coffee_lover_id,
        storeId: row.store_id,
        drinks: row.drinks,
      };
      return { request: earlier, outcome: row.outcome };
    },
    async record(purchaseId, cardId, outcome) {
      await db.query(
        `UPDATE coffeeco_loyalty.redemptions SET card_id = $2, outcome = $3::jsonb WHERE purchase_id = $1`,
        [purchaseId, cardId, JSON.stringify(outcome)],
      );
    },
  };
}

const KINDS: Record<CoffeeBux.Event['type'], HistoryEntry['kind']> = {
  'loyalty.CoffeeBuxIssued': 'issued',
  'loyalty.StampAdded': 'stamp',
  'loyalty.FreeDrinkEarned': 'free-drink-earned',
  'loyalty.FreeDrinksRedeemed': 'free-drinks-redeemed',
};

const toEntry = (recorded: RecordedEvent): HistoryEntry => {
  const event = recorded as unknown as RecordedEvent & CoffeeBux.Event;
  return {
    sequence: recorded.streamVersion,
    kind: KINDS[event.type],
    ...('purchaseId' in event.data && { purchaseId: event.data.purchaseId }),
    ...('drinks' in event.data && { drinks: event.data.drinks }),
    at: recorded.recordedAt.toISOString(),
  };
};

/**
 * The cards as they are read: balances from the query model, a card's history from its own events (the
 * history is the events, so there is no second copy of it to keep in step).
 */
export function postgresCardViews(
  db: Queryable,
  events: { store: EventStore; streamName: (cardId: string) => string },
): CardViews {
  return {
    find: (cardId) =>
      rowOfUuid<CardRow>(
        db,
        `SELECT ${READ_COLUMNS} FROM coffeeco_loyalty.cards WHERE card_id = $1`,
        cardId,
      ).then((row) => row && toView(row)),

    async listOf(coffeeLoverId, { limit, after }) {
      const [at, id] = after ?? [];
      if (id !== undefined && !isUuid(id)) return { items: [] };
      const { rows } = await db.query<CardRow & { key_at: string }>(
        `SELECT ${READ_COLUMNS}, ${timestampKey('issued_at')} AS key_at
           FROM coffeeco_loyalty.cards
          WHERE coffee_lover_id = $1
            AND ($2::timestamptz IS NULL OR (issued_at, card_id) < ($2, $3::uuid))
          ORDER BY issued_at DESC, card_id DESC LIMIT $4`,
        [coffeeLoverId, at ?? null, id ?? null, limit + 1],
      );
      const page = pageOf(rows, limit, (row) => [row.key_at, row.card_id]);
      return { ...page, items: page.items.map(toView) };
    },

    async history(cardId, { limit, after }) {
      const stream = events.streamName(cardId);
      // Newest first, by sequence: the page ends before `after`, or at the card's latest event.
      const before = after ? Number(after[0]) : (await events.store.streamVersion(stream)) + 1;
      const from = Math.max(0, before - 1 - (limit + 1));
      if (before - 1 <= from) return { items: [] };
      const recorded = await events.store.readStream(stream, {
        afterVersion: from,
        limit: before - 1 - from,
      });
      const entries = recorded.reverse().map(toEntry);
      return pageOf(entries, limit, (entry) => [String(entry.sequence)]);
    },
  };
}
