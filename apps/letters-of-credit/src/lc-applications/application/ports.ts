import type { Page, PageRequest } from '@tessera/platform/ddd';
import type { RecordedEvent } from '@tessera/platform/eventstore';
import type * as LCApplication from '../domain/lc-application.js';
import type { Address, CountryCode } from '../domain/values.js';
import type { LCView, ViewStatus, WorkQueue } from './lc-view.js';

/** The sanctions list (its own module's): whether trade with a country is prohibited now. */
export interface SanctionsList {
  isSanctioned(country: CountryCode): Promise<boolean>;
}

/**
 * Address verification for applicants, behind an anti-corruption layer: the provider's model (a US postal
 * service's, a Canadian one's) never reaches the domain. Answers the address in our model, standardised, or
 * says it does not exist. Countries it does not cover are answered as given.
 */
export interface AddressVerification {
  verify(address: Address): Promise<{ found: true; address: Address } | { found: false; reason: string }>;
}

/** What every save writes beside its events, in their transaction: integration messages and reminders. */
export interface SaveEffects {
  publish(id: string, state: LCApplication.State, recorded: readonly RecordedEvent[]): Promise<void>;
}

/** Which applications a list shows: every filter given holds. */
export interface ViewFilter {
  /** Any of these statuses. */
  readonly statuses?: readonly ViewStatus[];
  /** One applicant's only (an applicant sees nothing else). */
  readonly applicantId?: string;
  /** In this work queue now: then in the queue's order (oldest submitted first), else newest started first. */
  readonly queue?: WorkQueue;
}

/** What the read model showed, and of which position: a live query resumes from there, missing nothing. */
export interface AsOf<T> {
  readonly value: T;
  /** The position of the projection the answer was read at. */
  readonly position: number;
  /** True while the projection is rebuilt by replay: the answer may be incomplete. */
  readonly rebuilding: boolean;
}

export interface LCSummary {
  /** The running count of applications started (LCSummaryView). */
  readonly started: number;
  readonly byStatus: Readonly<Record<ViewStatus, number>>;
}

/** The query models: LCView and the summary, kept by their projections from this module's events. */
export interface LCViews {
  list(filter: ViewFilter, page: PageRequest): Promise<AsOf<Page<LCView>>>;
  summary(): Promise<AsOf<LCSummary>>;
  /** The views that changed after a position, in position order: of one application, or of those ever in a queue. */
  changedAfter(
    which: { readonly id: string } | { readonly queueEntered: WorkQueue },
    after: number,
    limit: number,
  ): Promise<LCView[]>;
  /** The position the view has reached. */
  position(): Promise<number>;
}
