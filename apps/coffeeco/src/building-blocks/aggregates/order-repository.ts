import { type ConsistencyOf, strong } from '../cap/consistency.js';
import type { Ctx } from '../context.js';
import type { Order } from './order.js';

/**
 * One repository per aggregate, not per table (REP-T2): the order and its items are saved together, in one
 * transaction, with the events of the change, or not at all (AGG-1, AGG-T2). The port belongs to the model;
 * `adapters/postgres-order-repository.ts` is one way to keep it.
 */
export interface OrderRepository {
  /** Throws when someone else saved the order since it was loaded (its version moved on). */
  SaveOrder(ctx: Ctx, order: Order): Promise<void>;
  OrderByID(ctx: Ctx, id: string): Promise<Order | undefined>;
}

export const orderRepositoryConsistency: ConsistencyOf<OrderRepository> = {
  SaveOrder: strong('an aggregate is a transactional consistency boundary: all of it is saved, or nothing'),
  OrderByID: strong('a change is decided on the latest order: a stale one would lose a concurrent change'),
};
