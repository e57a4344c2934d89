import { type AggregateType, failedPrecondition, fold, invalidArgument } from '@tessera/platform/ddd';
import type { CoffeeBuxEvent } from './events.js';

/**
 * CoffeeBux, the loyalty card (the book's `loyalty.CoffeeBux`): one per coffee lover per store. Each drink
 * bought with money is a stamp; ten stamps earn a free drink, and the coffee lover pays for drinks with the free
 * drinks the card holds. It is an aggregate of its own, kept apart from the purchase: a purchase is done once,
 * a card lives on across every purchase of its holder at its store, and the only rule tying them (stamps come
 * from completed purchases) is kept by an event between the two, not by one transaction.
 *
 * `none` is the state of a card not issued yet (a stream that does not exist).
 */
export type State =
  | { readonly status: 'none' }
  | {
      readonly status: 'issued';
      readonly coffeeLoverId: string;
      readonly storeId: string;
      readonly freeDrinksAvailable: number;
      readonly remainingDrinkPurchasesUntilFreeDrink: number;
    };

export type Card = Extract<State, { status: 'issued' }>;
export type Event = CoffeeBuxEvent;

/** The book's card: a free drink for every ten bought. */
export const STAMPS_PER_FREE_DRINK = 10;

export const aggregate: AggregateType<State, Event> = {
  name: 'loyalty.CoffeeBux',
  initialState: { status: 'none' },
  evolve(state, event) {
    if (event.type === 'loyalty.CoffeeBuxIssued') {
      // A new card has ten drinks to go (the book's card had no constructor: it started at 0 and never earned).
      return {
        status: 'issued',
        ...event.data,
        freeDrinksAvailable: 0,
        remainingDrinkPurchasesUntilFreeDrink: STAMPS_PER_FREE_DRINK,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'loyalty.StampAdded':
        return {
          ...state,
          remainingDrinkPurchasesUntilFreeDrink: state.remainingDrinkPurchasesUntilFreeDrink - 1,
        };
      case 'loyalty.FreeDrinkEarned':
        return {
          ...state,
          freeDrinksAvailable: state.freeDrinksAvailable + 1,
          remainingDrinkPurchasesUntilFreeDrink: STAMPS_PER_FREE_DRINK,
        };
      case 'loyalty.FreeDrinksRedeemed':
        return { ...state, freeDrinksAvailable: state.freeDrinksAvailable - event.data.drinks };
    }
  },
};

/** Ids are text a person or a system gave: at most this long, and text storage can hold. */
export const ID_MAX_LENGTH = 200;
// NUL and a lone UTF-16 surrogate: PostgreSQL's text cannot hold them (the `u` flag keeps a pair whole).
const UNSTORABLE = /[\0\p{Cs}]/u;

/** An id the card is told (whose, where, for which purchase): present, and one it can keep. */
export function mustBeAnId(value: string, field: string, missing: { code: string; message: string }): void {
  if (value.trim() === '') throw invalidArgument(missing.code, missing.message, field);
  if (value.length > ID_MAX_LENGTH || UNSTORABLE.test(value)) {
    throw invalidArgument(
      'malformed_id',
      `${field} must be text of at most ${ID_MAX_LENGTH} characters`,
      field,
    );
  }
}

/** A card is a coffee lover's at a store: both must be named. */
export function mustNameHolder(coffeeLoverId: string, storeId: string): void {
  mustBeAnId(coffeeLoverId, 'coffeeLoverId', {
    code: 'coffee_lover_missing',
    message: 'say whose card it is',
  });
  mustBeAnId(storeId, 'storeId', { code: 'store_missing', message: 'say at which store' });
}

/** The factory of a card: issued to a coffee lover at a store, with ten drinks to go. */
export function issue(coffeeLoverId: string, storeId: string): Event[] {
  mustNameHolder(coffeeLoverId, storeId);
  return [{ type: 'loyalty.CoffeeBuxIssued', data: { coffeeLoverId, storeId } }];
}

/**
 * The book's `AddStamp`: at one drink to go, the card is full, earns a free drink and starts again at ten;
 * otherwise one fewer to go. `purchaseId` says which purchase the stamp is for (the card's history shows it).
 */
export function AddStamp(card: Card, purchaseId: string): Event[] {
  const stamp: Event = { type: 'loyalty.StampAdded', data: { purchaseId } };
  if (card.remainingDrinkPurchasesUntilFreeDrink <= 1) {
    return [stamp, { type: 'loyalty.FreeDrinkEarned', data: { purchaseId } }];
  }
  return [stamp];
}

/** How a purchase was paid: with money (card or cash, the same to the card) or with the card's free drinks. */
export type PaidWith = 'money' | 'coffeebux';

export interface CompletedPurchase {
  readonly purchaseId: string;
  readonly coffeeLoverId: string;
  readonly storeId: string;
  /** How many drinks it bought (every product CoffeeCo sells is a drink). */
  readonly drinks: number;
  readonly paidWith: PaidWith;
}

/**
 * How many stamps a completed purchase earns (CC-D4): one per drink bought with money, none for drinks paid with
 * free drinks. A free drink that earned a stamp would pay for a tenth of the next one: the reward would feed
 * itself ("buy ten, get one free" would become one free in every nine bought), and a stamp rewards money spent.
 */
export const stampsEarned = (purchase: Pick<CompletedPurchase, 'drinks' | 'paidWith'>): number =>
  purchase.paidWith === 'money' ? purchase.drinks : 0;

/**
 * The stamps of a completed purchase: the card is issued at its holder's first stamp at the store, then one
 * `AddStamp` per stamp earned, each on the card as the one before left it (a purchase of three drinks at two to
 * go earns a free drink and leaves nine to go). Stamping the same purchase twice is the repository's to prevent:
 * the card keeps no list of purchases, which would only grow.
 */
export function stampPurchase(state: State, purchase: CompletedPurchase): Event[] {
  const stamps = stampsEarned(purchase);
  if (stamps === 0) return [];
  const events: Event[] = state.status === 'none' ? issue(purchase.coffeeLoverId, purchase.storeId) : [];
  let card = fold(aggregate, events, state) as Card;
  for (let stamp = 0; stamp < stamps; stamp++) {
    const added = AddStamp(card, purchase.purchaseId);
    events.push(...added);
    card = fold(aggregate, added, card) as Card;
  }
  return events;
}

/** A count of drinks as the card takes it: a whole number, at least one ("nothing to buy" otherwise). */
export function mustBeDrinks(drinks: number): void {
  if (!Number.isSafeInteger(drinks) || drinks < 0) {
    throw invalidArgument('drinks_not_a_count', 'drinks must be a whole number of drinks', 'drinks');
  }
  if (drinks === 0) throw invalidArgument('nothing_to_buy', 'nothing to buy', 'drinks');
}

export const noCard = () =>
  failedPrecondition('no_coffeebux_card', 'no CoffeeBux card at this store: its first drink earns one');

/** The refusals of `Pay`: nothing is taken, and the coffee lover pays another way. */
export const REFUSALS: ReadonlySet<string> = new Set(['no_coffeebux_card', 'not_enough_coffeebux']);

/**
 * The book's `Pay`: free drinks pay for the drinks of a purchase, all of them or none ("nothing to buy" for
 * none). Not enough is refused with what the card has and what was asked (CC-D2: the book swapped the two).
 */
export function Pay(state: State, drinks: number, purchaseId: string): Event[] {
  mustBeDrinks(drinks);
  if (state.status === 'none') throw noCard();
  if (state.freeDrinksAvailable < drinks) {
    throw failedPrecondition(
      'not_enough_coffeebux',
      `not enough coffeeBux to cover entire purchase. Have ${state.freeDrinksAvailable}, need ${drinks}`,
      'drinks',
    );
  }
  return [{ type: 'loyalty.FreeDrinksRedeemed', data: { purchaseId, drinks } }];
}

/** What the card holds now: 0 free drinks and 10 to go for a card not issued yet. */
export function balanceOf(state: State): { freeDrinksAvailable: number; drinksToGo: number } {
  if (state.status === 'none') return { freeDrinksAvailable: 0, drinksToGo: STAMPS_PER_FREE_DRINK };
  return {
    freeDrinksAvailable: state.freeDrinksAvailable,
    drinksToGo: state.remainingDrinkPurchasesUntilFreeDrink,
  };
}
