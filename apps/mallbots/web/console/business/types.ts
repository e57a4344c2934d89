import type { paths } from '../../src/api.js';

/** The JSON of a route's answer, as the generated API types have it (no hand-copied shapes). */
type Json<Answer> = Answer extends { content: { 'application/json': infer Body } } ? Body : never;
type Ok<Path extends keyof paths> = paths[Path] extends { get: { responses: { 200: infer Answer } } }
  ? Json<Answer>
  : never;

export type Store = Ok<'/api/stores/{id}'>['store'];
export type Product = Ok<'/api/stores/products/{id}'>['product'];
export type ShoppingList = Ok<'/api/depot/shopping/{id}'>['shoppingList'];
export type Bot = Ok<'/api/depot/bots/{id}'>['bot'];
export type Order = Ok<'/api/ordering/{id}'>['order'];
export type TrackedOrder = Ok<'/api/search/orders/{id}/tracking'>['order'];
