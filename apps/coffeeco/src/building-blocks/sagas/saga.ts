import type { Ctx } from '../context.js';
import { type DomainEvent, EventIDFor, NewEvent } from '../events/envelope.js';

/**
 * The book's `Saga`: a step and its compensating action. "Anything that has an Execute function that returns
 * an error and a Rollback function that returns an error satisfies our Saga interface." A step cannot be
 * declared without its compensation (SAGA-6). A Rollback may be called more than once for one saga (a
 * retried compensation), so it must be idempotent (SAGA-T5); it may also be called when its Execute never
 * ran to the end, and must then undo whatever part of it did happen, or nothing.
 */
export interface Saga {
  Execute(ctx: Ctx): Promise<void>;
  Rollback(ctx: Ctx): Promise<void>;
}

export const COMPENSATION_FAILED = 'compensation.failed';

/** A compensation that failed, to be retried elsewhere, at its own pace (S000@2802). */
export interface CompensationFailed {
  readonly sagaId: string;
  /** The index of the step whose Rollback failed. */
  readonly step: number;
  readonly error: string;
}

export type CompensationFailedPublisher = (event: DomainEvent<CompensationFailed>) => Promise<void>;

/**
 * The book's `SagaManager`, without its defects (Appendix B, B14): it runs the steps in order and stops at
 * the first that fails; it then compensates the steps that succeeded, latest first (the failed one is not
 * compensated: it must have left nothing, or cleaned up after itself), and rejects with the original error. A
 * compensation that fails does not stop the others: a `compensation.failed` event says which, so that it can
 * be retried; its id is derived from the saga and the step, so a retried saga reports the same failure as the
 * same event.
 */
export class SagaManager {
  readonly #id: string;
  readonly #actions: readonly Saga[];
  readonly #publish: CompensationFailedPublisher;

  constructor(id: string, actions: readonly Saga[], publish: CompensationFailedPublisher) {
    for (const [index, action] of actions.entries()) {
      // SAGA-6 at run time too, for a step built without the compiler's help.
      if (typeof action?.Execute !== 'function' || typeof action.Rollback !== 'function') {
        throw new TypeError(`step ${index} of saga ${id} has no compensating action`);
      }
    }
    this.#id = id;
    this.#actions = [...actions];
    this.#publish = publish;
  }

  async Handle(ctx: Ctx): Promise<void> {
    for (const [i, action] of this.#actions.entries()) {
      try {
        await action.Execute(ctx);
      } catch (error) {
        await this.#compensate(ctx, i);
        throw error;
      }
    }
  }

  /** Rolls back steps `done - 1` … 0, each even when an earlier rollback failed. */
  async #compensate(ctx: Ctx, done: number): Promise<void> {
    for (let j = done - 1; j >= 0; j--) {
      try {
        await this.#actions[j]!.Rollback(ctx);
      } catch (error) {
        await this.#publish(
          NewEvent<CompensationFailed>(
            'saga-manager',
            COMPENSATION_FAILED,
            { sagaId: this.#id, step: j, error: error instanceof Error ? error.message : String(error) },
            { id: EventIDFor(`${this.#id}/${COMPENSATION_FAILED}`, j) },
          ),
        );
      }
    }
  }
}

export const NewSagaManager = (
  id: string,
  actions: readonly Saga[],
  publish: CompensationFailedPublisher,
): SagaManager => new SagaManager(id, actions, publish);
