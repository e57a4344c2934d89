import { createApi, must } from '@tessera/web';
import type { components, paths } from './api.gen.js';

/** CoffeeCo's API, typed by its OpenAPI document (`npm run generate:web`). */
export const api = createApi<paths>();
export type { components, paths } from './api.gen.js';

/** What a route answers with 200, as the generated document says. */
type Answer<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

const SHOPS = '/coffeeco/api/coffee-shops';
export type Store = Answer<`${typeof SHOPS}/stores/{storeId}`, 'get'>['store'];
export type StoresPage = Answer<`${typeof SHOPS}/stores`, 'get'>;
export type CoffeeLover = Answer<`${typeof SHOPS}/coffee-lovers/{coffeeLoverId}`, 'get'>['coffeeLover'];
export type CoffeeLoversPage = Answer<`${typeof SHOPS}/coffee-lovers`, 'get'>;
export type QuoteAnswer = Answer<`${typeof SHOPS}/stores/{storeId}/quote`, 'get'>;
export type Quote = QuoteAnswer['quote'];
export type PurchaseAnswer = Answer<`${typeof SHOPS}/purchases/{purchaseId}`, 'put'>;
export type Purchase = PurchaseAnswer['purchase'];
export type Means = Purchase['means'];
export type PurchaseBody =
  paths[`${typeof SHOPS}/purchases/{purchaseId}`]['put']['requestBody']['content']['application/json'];
export type CoffeeBuxCard = components['schemas']['CoffeeBuxCard'];

/** `must`, with the answer typed by one of the types above (themselves read from the generated document). */
export const ask = <T>(call: () => Promise<{ data?: unknown; error?: unknown; response: Response }>) =>
  must(call) as Promise<T>;

/** Where a till follows its customer's CoffeeBux card (Server-Sent Events, resumable). */
export const liveCardUrl = (coffeeLoverId: string, storeId: string) =>
  `/coffeeco/api/loyalty/cards/live?${new URLSearchParams({ coffeeLoverId, storeId })}`;
