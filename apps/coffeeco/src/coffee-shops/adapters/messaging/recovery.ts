import {
  type Broker,
  derivedId,
  type MessageObserver,
  newEnvelope,
  observedHandler,
  onMessages,
  type Subscribed,
} from '@tessera/platform/messaging';
import type { Clock, Deadlines } from '@tessera/platform/scheduling';
import type { SqlClient } from '@tessera/platform/sql';
import { z } from 'zod';
import type { PurchaseRecovery } from '../../application/ports.js';
import type { Purchases } from '../../application/purchases.js';

/** The module's own channel for its recoveries: a due deadline's message comes back to this module only. */
export const RECOVERY_CHANNEL = 'coffeeco.coffee-shops.internal.PurchaseRecovery';
export const RECOVERY_GROUP = 'coffee-shops-purchase-recovery';
const RECOVERY_DUE = 'coffeeshops.PurchaseRecoveryDue';

const recoveryDue = {
  [RECOVERY_DUE]: z.strictObject({ purchaseId: z.uuid(), attempt: z.number().int().positive() }),
};

/** One pending recovery per purchase: each one scheduled replaces the last. */
const deadlineId = (purchaseId: string) => `coffee-shops:purchase-recovery:${purchaseId}`;

/** Longest wait between two resumptions of a purchase whose payment still has no answer. */
const MAX_DELAY_MS = 3_600_000;

/**
 * Recoveries as durable deadlines (ADR 0011), written in the transaction that records the purchase pending
 * and removed in the one that settles it: a purchase left pending by a crash or a provider that did not answer
 * is resumed `afterMs` later, and again after twice as long each time it still has no answer (at most an hour
 * apart): it is never given up, as a charge may exist that only its completion can account for.
 */
export function deadlineRecovery(
  deadlines: Deadlines,
  { clock, afterMs }: { clock: Clock; afterMs: number },
): PurchaseRecovery {
  return {
    async schedule(purchaseId, attempt) {
      const delay = Math.min(afterMs * 2 ** (attempt - 1), MAX_DELAY_MS);
      await deadlines.schedule({
        id: deadlineId(purchaseId),
        at: new Date(clock.now().getTime() + delay),
        envelope: newEnvelope(
          'coffee-shops',
          {
            id: derivedId(`${deadlineId(purchaseId)}#${attempt}`, 0),
            type: RECOVERY_DUE,
            subject: RECOVERY_CHANNEL,
            key: purchaseId,
            data: { purchaseId, attempt },
          },
          { now: clock.now() },
        ),
      });
    },
    async cancel(purchaseId) {
      await deadlines.cancel(deadlineId(purchaseId));
    },
  };
}

/**
 * The recoveries, when due: each handling schedules the next in the broker's transaction, then resumes the
 * purchase once that has committed (`Purchases.resume`). `observer` is told of each after both.
 */
export function subscribeToRecoveries(
  broker: Broker,
  db: SqlClient,
  purchases: Pick<Purchases, 'resume'>,
  observer?: MessageObserver,
): Promise<Subscribed> {
  return broker.subscribe({
    group: RECOVERY_GROUP,
    subjects: [RECOVERY_CHANNEL],
    handle: observedHandler(
      db,
      onMessages(recoveryDue, { [RECOVERY_DUE]: (due) => purchases.resume(due) }),
      observer,
    ),
  });
}
