import {
  type AggregateType,
  alreadyExists,
  failedPrecondition,
  invalidArgument,
  nonBlank,
  notFound,
} from '@tessera/platform/ddd';
import type { ProductEvent } from './events.js';
import { type State as StoreState, storeNotFound } from './store.js';

/** A product in a store's catalog. Its price is a whole number of cents: money is never a float here. */
export interface State {
  /** False until the product is added: loading a stream that does not exist gives this empty state. */
  readonly exists: boolean;
  /** Removal is an event, not a delete; a removed product takes no more commands. */
  readonly removed: boolean;
  readonly storeId: string;
  readonly name: string;
  readonly description: string;
  readonly sku: string;
  readonly priceCents: number;
}

export type Event = ProductEvent;

export const aggregate: AggregateType<State, Event> = {
  name: 'stores.Product',
  initialState: {
    exists: false,
    removed: false,
    storeId: '',
    name: '',
    description: '',
    sku: '',
    priceCents: 0,
  },
  evolve(state, event) {
    switch (event.type) {
      case 'stores.ProductAdded':
        return { ...state, exists: true, ...event.data };
      case 'stores.ProductRebranded':
        return { ...state, name: event.data.name, description: event.data.description };
      // Price events carry deltas, so they commute: applying them in any order gives the same price.
      case 'stores.ProductPriceIncreased':
      case 'stores.ProductPriceDecreased':
        return { ...state, priceCents: state.priceCents + event.data.deltaCents };
      case 'stores.ProductRemoved':
        return { ...state, removed: true };
    }
  },
};

export const productNotFound = () => notFound('product_not_found', 'product with that ID does not exist');

function mustBeInCatalog(state: State) {
  if (!state.exists || state.removed) throw productNotFound();
}

const nameOf = (name: string) =>
  nonBlank(name, 'product_name_blank', 'the product name cannot be blank', 'name');
// A store knows its stock by SKU and the kiosk shows the description: as with the name, blank is no value.
const descriptionOf = (description: string) =>
  nonBlank(
    description,
    'product_description_blank',
    'the product description cannot be blank',
    'description',
  );
const skuOf = (sku: string) => nonBlank(sku, 'product_sku_blank', 'the product SKU cannot be blank', 'sku');

function priceOf(priceCents: number) {
  if (!Number.isSafeInteger(priceCents)) {
    throw invalidArgument(
      'product_price_not_cents',
      'the product price must be a whole number of cents',
      'price',
    );
  }
  if (priceCents < 0) {
    throw invalidArgument('product_price_negative', 'the product price cannot be negative', 'price');
  }
  return priceCents;
}

export interface NewProduct {
  /** The store the product is added to, as it is now: it must exist. */
  readonly store: { readonly id: string; readonly state: Pick<StoreState, 'exists'> };
  readonly name: string;
  readonly description: string;
  readonly sku: string;
  readonly priceCents: number;
}

export function add(state: State, input: NewProduct): Event[] {
  if (state.exists) throw alreadyExists('product_already_exists', 'a product with that ID already exists');
  if (!input.store.state.exists) throw storeNotFound();
  const name = nameOf(input.name);
  const description = descriptionOf(input.description);
  const sku = skuOf(input.sku);
  const priceCents = priceOf(input.priceCents);
  return [
    { type: 'stores.ProductAdded', data: { storeId: input.store.id, name, description, sku, priceCents } },
  ];
}

/** Rebranding to the current name and description records nothing. */
export function rebrand(state: State, input: { name: string; description: string }): Event[] {
  mustBeInCatalog(state);
  const name = nameOf(input.name);
  const description = descriptionOf(input.description);
  if (name === state.name && description === state.description) return [];
  return [{ type: 'stores.ProductRebranded', data: { name, description } }];
}

/** Takes the new absolute price. The same price is no change, so no event (not an error). */
export function increasePrice(state: State, input: { priceCents: number }): Event[] {
  mustBeInCatalog(state);
  const deltaCents = priceOf(input.priceCents) - state.priceCents;
  if (deltaCents < 0) {
    throw failedPrecondition('price_change_is_decrease', 'the price change would be a decrease', 'price');
  }
  return deltaCents === 0 ? [] : [{ type: 'stores.ProductPriceIncreased', data: { deltaCents } }];
}

/** Takes the new absolute price. The same price is no change, so no event (not an error). */
export function decreasePrice(state: State, input: { priceCents: number }): Event[] {
  mustBeInCatalog(state);
  const deltaCents = priceOf(input.priceCents) - state.priceCents;
  if (deltaCents > 0) {
    throw failedPrecondition('price_change_is_increase', 'the price change would be an increase', 'price');
  }
  return deltaCents === 0 ? [] : [{ type: 'stores.ProductPriceDecreased', data: { deltaCents } }];
}

export function remove(state: State): Event[] {
  mustBeInCatalog(state);
  return [{ type: 'stores.ProductRemoved', data: {} }];
}
