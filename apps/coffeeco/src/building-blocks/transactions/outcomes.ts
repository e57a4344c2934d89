/** The decision is in the log, but some participant has not acted on it yet: recovery will send it again. */
export class OutcomeNotDelivered extends Error {
  constructor(
    readonly txId: string,
    readonly outcome: string,
    readonly failures: ReadonlyArray<{ participant: string; error: unknown }>,
  ) {
    super(
      `transaction ${txId} is ${outcome}, but ${failures.map((f) => f.participant).join(', ')} did not acknowledge it yet`,
      { cause: failures[0]?.error },
    );
    this.name = 'OutcomeNotDelivered';
  }
}

/** What a recovery finished, and what it could not (left in the log for the next one). */
export interface RecoveryReport<O extends string> {
  readonly completed: ReadonlyArray<{ txId: string; outcome: O }>;
  readonly failed: ReadonlyArray<{ txId: string; error: unknown }>;
}

/** Participants by name, as a restarted coordinator finds them again from the names in its log. */
export function directory<P extends { readonly name: string }>(participants: Iterable<P>): Map<string, P> {
  const byName = new Map<string, P>();
  for (const participant of participants) {
    if (byName.has(participant.name) && byName.get(participant.name) !== participant) {
      throw new Error(`two participants are named ${participant.name}`);
    }
    byName.set(participant.name, participant);
  }
  return byName;
}
