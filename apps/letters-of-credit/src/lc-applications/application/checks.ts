import type { AggregateStore } from '@tessera/platform/ddd';
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
      const saved = await checks.update(id, (current) => Checks.record(current, check, decision));
      return saved.events.length > 0;
    },
  };
}
