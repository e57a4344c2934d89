import { isDomainError, stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import * as SanctionsList from '../domain/sanctions-list.js';
import type { SanctionsListOutbox, SanctionsListRepository } from './ports.js';

/** The key of the bank's one list. */
export const SANCTIONS_LIST_ID = 'sanctions-list';

export interface SanctionsCommandDependencies {
  readonly db: Pick<UnitOfWork, 'transaction'>;
  readonly list: SanctionsListRepository;
  readonly outbox: SanctionsListOutbox;
  readonly now: () => Date;
}

export interface SanctionsCommands {
  /** The first list (a process's start); `established` is false when there was one already. */
  establish(countries: readonly string[]): Promise<{ established: boolean }>;
  sanction(input: { country: string }): Promise<void>;
  lift(input: { country: string }): Promise<void>;
}

export function createSanctionsCommands(deps: SanctionsCommandDependencies): SanctionsCommands {
  const list = stateStored({
    db: deps.db,
    aggregate: SanctionsList.aggregate,
    repository: deps.list,
    onSaved: (change) => deps.outbox.publish(change),
  });
  const update = (decide: (state: SanctionsList.State, at: Date) => SanctionsList.Event[]) =>
    list.update(SANCTIONS_LIST_ID, (state) => decide(state, deps.now()));
  return {
    async establish(countries) {
      const establish = () => update((state, at) => SanctionsList.establish(state, { countries, at }));
      try {
        return { established: (await establish()).events.length > 0 };
      } catch (error) {
        // Another process established it between our read and our insert: it is established, once.
        if (!isDomainError(error) || error.kind !== 'conflict') throw error;
        return { established: (await establish()).events.length > 0 };
      }
    },
    async sanction({ country }) {
      await update((state, at) => SanctionsList.sanction(state, { country, at }));
    },
    async lift({ country }) {
      await update((state, at) => SanctionsList.lift(state, { country, at }));
    },
  };
}
