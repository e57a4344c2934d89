import { type AggregateType, conflict, type DomainEvent, notFound } from '@tessera/platform/ddd';
import { type LCTerms, lcNumber } from './values.js';

/**
 * The LC (the letter of credit) of LC Issuance: what an approved application becomes (§1.5). It is issued
 * once, for one application, with the bank's number for it and the terms as approved; what follows issuance
 * (advising, amendments, presentation, settlement) is not modelled yet.
 */
export type State =
  | { readonly status: 'none' }
  | {
      readonly status: 'issued';
      readonly lcNumber: string;
      readonly lcApplicationId: string;
      readonly applicantId: string;
      readonly terms: LCTerms;
      /** ISO 8601, UTC. */
      readonly issuedAt: string;
    };

export type Issued = Extract<State, { status: 'issued' }>;

export type Event = DomainEvent<'issuance.LCIssued', Omit<Issued, 'status'>>;

export const aggregate: AggregateType<State, Event> = {
  name: 'issuance.LC',
  initialState: { status: 'none' },
  evolve: (_state, event) => {
    switch (event.type) {
      case 'issuance.LCIssued':
        return { status: 'issued', ...event.data };
    }
  },
};

export interface IssueLC {
  readonly lcApplicationId: string;
  readonly applicantId: string;
  readonly terms: LCTerms;
  /** The LC's place among the year's, which the bank's numbering gave it. */
  readonly sequence: number;
  readonly issuedAt: Date;
}

/**
 * Whether the LC was issued for this application already (its approval heard again: redelivered, or a
 * duplicate); an LC is never issued for a second application. The bank takes a number only when it was not.
 */
export function issuedAlready(state: State, lcApplicationId: string): boolean {
  if (state.status === 'none') return false;
  if (state.lcApplicationId !== lcApplicationId) {
    throw conflict('lc_already_issued', 'this LC was issued for another application');
  }
  return true;
}

/** Issues the LC of an approved application, once: again, it issues nothing more. */
export function issue(state: State, input: IssueLC): Event[] {
  if (issuedAlready(state, input.lcApplicationId)) return [];
  return [
    {
      type: 'issuance.LCIssued',
      data: {
        lcNumber: lcNumber(input.issuedAt.getUTCFullYear(), input.sequence),
        lcApplicationId: input.lcApplicationId,
        applicantId: input.applicantId,
        terms: input.terms,
        issuedAt: input.issuedAt.toISOString(),
      },
    },
  ];
}

export const lcNotFound = () => notFound('lc_not_found', 'no LC with that id');
export const noLCForApplication = () =>
  notFound('lc_not_found', 'no LC was issued for that application (not approved, or not yet issued)');
