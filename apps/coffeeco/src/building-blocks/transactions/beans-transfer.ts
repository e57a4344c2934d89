import {
  enlist,
  type Outcome,
  type TwoPhaseCoordinator,
  type TwoPhaseParticipant,
} from './two-phase-commit.js';

/** One store's share of a transfer: grams of one kind of beans, taken out (negative) or put in (positive). */
export interface BeansMove {
  readonly storeId: string;
  readonly beans: string;
  readonly changeGrams: number;
}

/** Where beans leave or arrive: a store, and the participant that keeps that store's stock (its database). */
export interface StockAt {
  readonly storeId: string;
  readonly stock: TwoPhaseParticipant<BeansMove>;
}

export interface BeansTransfer {
  /** Chosen by the caller, so that asking again is the same transaction (the log refuses a second begin). */
  readonly transferId: string;
  readonly beans: string;
  readonly grams: number;
  readonly from: StockAt;
  readonly to: StockAt;
}

/**
 * 2PC's example (the notes' "cross multiple databases commit"): a store short of a bean is sent some from a
 * store whose stock lives in another database. The grams leave one stock and arrive at the other, or neither
 * changes: never beans that vanished, never beans counted twice. While the transfer is prepared both stocks of
 * that bean are locked, so it suits a quick move between stores that usually succeeds; a long, cross-service
 * process (a shipment from the roaster) is a saga's work (ADR 0036).
 */
export function transferBeans(
  coordinator: TwoPhaseCoordinator,
  transfer: BeansTransfer,
  options: { prepareTimeoutMs: number } = { prepareTimeoutMs: 2_000 },
): Promise<Outcome> {
  const { transferId, beans, grams, from, to } = transfer;
  return coordinator.run(
    transferId,
    [
      enlist(from.stock, { storeId: from.storeId, beans, changeGrams: -grams }),
      enlist(to.stock, { storeId: to.storeId, beans, changeGrams: grams }),
    ],
    options,
  );
}
