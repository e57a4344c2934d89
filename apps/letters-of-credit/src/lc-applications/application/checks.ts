import { type AggregateStore, isDomainError } from '@tessera/platform/ddd';
import * as Checks from '../domain/checks.js';
import type * as LCApplication from '../domain/lc-application.js';

export interface CheckRecording {
  /**
   * Records a partner's decision on one check of an application, in the caller's transaction (the broker's
   * handling). False when nothing was recorded: the same decision again, or an application that does not
   * exist (no partner checks one that was never submitted here: there is nothing to show it on).
   */
  record(input: { id: string; check: Checks.Check; decision: Checks.Decision }): Promise<boolean>;
}

/** Three partners' checks can race for one stream: two retries are enough for the third to get in. */
const MAX_ATTEMPTS = 3;

export function createCheckRecording({
  applications,
  checks,
}: {
  applications: Pick<AggregateStore<LCApplication.State, LCApplication.Event>, 'load'>;
  checks: AggregateStore<Checks.State, Checks.Event>;
}): CheckRecording {
  return {
    async record({ id, check, decision }) {
      const { state } = await applications.load(id);
      if (state.status === 'none') return false;
      // Compliance's and Onboarding's decisions about one application arrive on two groups at once and race
      // for its stream: the loser reads the winner's decision and records its own after it, in the same
      // handling, rather than failing the handling to be redelivered.
      for (let attempt = 1; ; attempt++) {
        try {
          const saved = await checks.update(id, (current) => Checks.record(current, check, decision));
          return saved.events.length > 0;
        } catch (error) {
          if (!(isDomainError(error) && error.kind === 'conflict') || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
  };
}
