import type { Change, StateRepository } from '@tessera/platform/ddd';
import type * as SanctionsList from '../domain/sanctions-list.js';

/** The one list, as a row with its version (optimistic concurrency). */
export type SanctionsListRepository = StateRepository<SanctionsList.State>;

/** What a change of the list means outside: the whole new list, published in the saving transaction. */
export interface SanctionsListOutbox {
  publish(change: Change<SanctionsList.State, SanctionsList.Event>): Promise<void>;
}
