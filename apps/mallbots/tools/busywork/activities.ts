import { pickWeighted, type Random } from './random.js';

/** What a simulated client does on its turn. */
export type Activity =
  | 'browse'
  | 'buy'
  | 'registerCustomer'
  | 'setUpStore'
  | 'addProducts'
  | 'rebrandStore'
  | 'rebrandProduct';

/**
 * The reference's busywork mix: half the turns a shopper browses (3/4) or buys (1/4); the other half an
 * operator registers a customer (4/10), sets up a store (1/10), adds products (3/10), or rebrands a store
 * (1/10) or a product (1/10). Staff and robots are not turns of a client: they run beside the clients.
 */
export const REFERENCE_MIX: ReadonlyArray<readonly [Activity, number]> = [
  ['browse', 0.5 * 0.75],
  ['buy', 0.5 * 0.25],
  ['registerCustomer', 0.5 * 0.4],
  ['setUpStore', 0.5 * 0.1],
  ['addProducts', 0.5 * 0.3],
  ['rebrandStore', 0.5 * 0.1],
  ['rebrandProduct', 0.5 * 0.1],
];

/** Every turn a purchase: what the system benchmark offers, as orders are what it measures. */
export const BUY_MIX: ReadonlyArray<readonly [Activity, number]> = [['buy', 1]];

export type Mix = 'reference' | 'buy';
export const MIXES: Record<Mix, ReadonlyArray<readonly [Activity, number]>> = {
  reference: REFERENCE_MIX,
  buy: BUY_MIX,
};

export const pickActivity = (random: Random, mix: Mix = 'reference'): Activity =>
  pickWeighted(random, MIXES[mix]);
