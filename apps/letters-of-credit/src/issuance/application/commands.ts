import { stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import * as LC from '../domain/lc.js';
import type { LCTerms } from '../domain/values.js';
import type { IntegrationOutbox, LCNumbering, LCRepository } from './ports.js';

export interface IssuanceCommandDependencies {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly lcs: LCRepository;
  readonly numbering: LCNumbering;
  readonly outbox: IntegrationOutbox;
  /** The LC's id for an application: always the same one, so that a second approval finds the first's LC. */
  readonly lcIdFor: (lcApplicationId: string) => string;
  /** The bank's time. */
  readonly now: () => Date;
}

export interface IssueApprovedApplication {
  readonly lcApplicationId: string;
  readonly applicantId: string;
  readonly terms: LCTerms;
}

export interface IssuanceCommands {
  /** Issues the LC of an approved application; `issued` is false when it had been issued already. */
  issue(input: IssueApprovedApplication): Promise<{ lcId: string; issued: boolean }>;
}

export function createIssuanceCommands(deps: IssuanceCommandDependencies): IssuanceCommands {
  const lcs = stateStored({
    db: deps.db,
    aggregate: LC.aggregate,
    repository: deps.lcs,
    onSaved: (change) => deps.outbox.publish(change),
  });
  return {
    issue: (input) =>
      // One transaction: the number is taken only for an LC to issue, and given back if the save fails (a
      // concurrent issuance of the same LC conflicts; the broker retries and finds it issued).
      deps.db.transaction(async () => {
        const lcId = deps.lcIdFor(input.lcApplicationId);
        const loaded = await lcs.load(lcId);
        if (LC.issuedAlready(loaded.state, input.lcApplicationId)) return { lcId, issued: false };
        const issuedAt = deps.now();
        // The year of issue in UTC: the bank's numbering is one calendar, wherever its processes run.
        const sequence = await deps.numbering.next(issuedAt.getUTCFullYear());
        const change = await lcs.apply(
          lcId,
          loaded,
          LC.issue(loaded.state, { ...input, sequence, issuedAt }),
        );
        return { lcId, issued: change.events.length > 0 };
      }),
  };
}
