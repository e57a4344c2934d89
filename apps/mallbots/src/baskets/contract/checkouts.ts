import { problemResponse, type Unavailable } from '@tessera/platform/http';
import type { z } from 'zod';
import type { basketsMessages } from './integration-events.js';

/**
 * Baskets' synchronous public API for other contexts: was a basket checked out, by whom, with what. Ordering
 * asks it in the moment between a checkout and the order it makes from it (that order's id is the basket's),
 * so that the order is "being placed", never "not found". In one process the Baskets module provides it under
 * `BASKET_CHECKOUTS_SERVICE`; from another process the same question goes to Baskets' REST API
 * (`GET /api/baskets/{id}/checkout`, for modules only).
 */
export const BASKET_CHECKOUTS_SERVICE = 'mallbots.baskets.BasketCheckouts';

/**
 * A checkout exactly as `basketsapi.BasketCheckedOut` carries it (the same function builds both), so that an
 * order made from the answer is the order made from the message: the checkout, delivered later, finds it made.
 */
export type BasketCheckout = z.infer<(typeof basketsMessages)['basketsapi.BasketCheckedOut']>;

export interface BasketCheckouts {
  /**
   * The basket's checkout; undefined when there is none (an unknown basket, or one still open or canceled).
   * Throws BasketsUnavailableError when Baskets cannot answer.
   */
  findCheckout(basketId: string): Promise<BasketCheckout | undefined>;
}

/**
 * Baskets could not be asked (unreachable, timed out, or an answer that is not one). Not a DomainError: a
 * request is answered 503 and may be retried.
 */
export class BasketsUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BasketsUnavailableError';
  }
}

/** How a module's REST routes answer when Baskets cannot be asked now (`whenUnavailable`): a 503. */
export const BASKETS_UNAVAILABLE: Unavailable = [BasketsUnavailableError, 'baskets_unavailable'];

/** That answer in the routes' OpenAPI document. */
export const basketsUnavailableResponse = problemResponse(
  'Baskets could not be asked whether the basket was checked out; retry later',
);
