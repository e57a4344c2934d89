/**
 * What an operation promises about the data it reads or writes (CAP-1, CAP-5), declared beside the operation,
 * per use case rather than once for the whole system: "percent of availability and consistency at the same
 * time" is chosen where it is needed.
 *
 * - `strong`: it sees (or makes visible) the latest acknowledged write, or it fails.
 * - `eventual`: it may see an older value, and catches up.
 *
 * During a partition an operation either **cancels** (CP: an error or a timeout, never stale data) or
 * **proceeds** (AP: an answer, perhaps stale). A read that lets its caller choose (`per-read`, DynamoDB's
 * `ConsistentRead`) does the one or the other as asked.
 */
export type Consistency = 'strong' | 'eventual' | 'per-read';
export type DuringPartition = 'cancel' | 'proceed' | 'per-read';

export interface ConsistencyDeclaration {
  readonly consistency: Consistency;
  readonly duringPartition: DuringPartition;
  /** Why this choice, for this use case. */
  readonly why: string;
}

/** Every method of `Port` declared, so that a method added without a declaration does not compile. */
export type ConsistencyOf<Port> = {
  readonly [Method in keyof Port as Port[Method] extends (...args: never[]) => unknown
    ? Method
    : never]: ConsistencyDeclaration;
};

/** A CP operation: consistent or an error. */
export const strong = (why: string): ConsistencyDeclaration => ({
  consistency: 'strong',
  duringPartition: 'cancel',
  why,
});

/** An AP operation: an answer, perhaps stale. */
export const eventual = (why: string): ConsistencyDeclaration => ({
  consistency: 'eventual',
  duringPartition: 'proceed',
  why,
});

/** A read whose caller chooses, each time: strong (and cancel) or eventual (and proceed). */
export const perRead = (why: string): ConsistencyDeclaration => ({
  consistency: 'per-read',
  duringPartition: 'per-read',
  why,
});

/** The error a CP operation answers when it cannot be consistent: it cancels rather than guess. */
export class UnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnavailableError';
  }
}
