import type { Change, Page, PageRequest, StateRepository } from '@tessera/platform/ddd';
import type * as LC from '../domain/lc.js';

/** An issued LC as the queries answer it. */
export interface LCView extends Omit<LC.Issued, 'status'> {
  readonly id: string;
}

/** The LCs, one row each, saved with optimistic concurrency; and the look-ups the queries need. */
export interface LCRepository extends StateRepository<LC.State> {
  find(id: string): Promise<LCView | undefined>;
  findByApplication(lcApplicationId: string): Promise<LCView | undefined>;
  /** Newest first; an applicant's only, when one is given. */
  list(filter: { applicantId?: string }, page: PageRequest): Promise<Page<LCView>>;
}

/**
 * The bank's numbering of LCs: the next place among the year's, taken in the ambient transaction (so that an
 * issuance that does not commit gives its number back). Never the same place twice in a year.
 */
export interface LCNumbering {
  next(year: number): Promise<number>;
}

/** What an issuance means outside: its integration message, written in the issuing transaction. */
export interface IntegrationOutbox {
  publish(change: Change<LC.State, LC.Event>): Promise<void>;
}
