import type { AggregateType, DomainEvent } from '@tessera/platform/ddd';
import { z } from 'zod';

/**
 * The checks a submitted application waits for, as this module was told of them: the product's value and
 * its legality (Compliance), the applicant's credit (Customer Onboarding). The partners decide; this module
 * records their decisions, on a stream of their own beside the application's (`lc.LCApplicationChecks-<id>`),
 * so that its query models are rebuilt from its own store like everything else they show. The application
 * itself never depends on them: the auto-approval saga and the trade-finance desk do.
 */
export const CHECKS = ['productValue', 'productLegality', 'applicantCredit'] as const;
export type Check = (typeof CHECKS)[number];
export type CheckStatus = 'pending' | 'approved' | 'rejected';

export interface Decision {
  readonly approved: boolean;
  readonly remarks?: string;
}

const decided = z.strictObject({ approved: z.boolean(), remarks: z.string().optional() });

/** One event per check, in the book's words; each schema is the contract of its current version. */
export const checkEventSchemas = {
  'lc.ProductValueValidated': decided,
  'lc.ProductLegalityValidated': decided,
  'lc.ApplicantCreditValidated': decided,
};

export type CheckEventType = keyof typeof checkEventSchemas;
export type Event = {
  [Type in CheckEventType]: DomainEvent<Type, z.infer<(typeof checkEventSchemas)[Type]>>;
}[CheckEventType];

export const EVENT_OF_CHECK: Readonly<Record<Check, CheckEventType>> = {
  productValue: 'lc.ProductValueValidated',
  productLegality: 'lc.ProductLegalityValidated',
  applicantCredit: 'lc.ApplicantCreditValidated',
};

export const CHECK_OF_EVENT: Readonly<Record<CheckEventType, Check>> = {
  'lc.ProductValueValidated': 'productValue',
  'lc.ProductLegalityValidated': 'productLegality',
  'lc.ApplicantCreditValidated': 'applicantCredit',
};

export const statusOf = (decision: Decision): CheckStatus => (decision.approved ? 'approved' : 'rejected');

export type State = Readonly<Record<Check, CheckStatus>>;

export const aggregate: AggregateType<State, Event> = {
  name: 'lc.LCApplicationChecks',
  initialState: { productValue: 'pending', productLegality: 'pending', applicantCredit: 'pending' },
  evolve: (state, event) => ({ ...state, [CHECK_OF_EVENT[event.type]]: statusOf(event.data) }),
};

/**
 * A partner's decision on one check. The same outcome again (a message sent twice, a retried publication)
 * records nothing; a different one (the check was done again) is recorded, and the latest holds.
 */
export function record(state: State, check: Check, decision: Decision): Event[] {
  if (state[check] === statusOf(decision)) return [];
  const data = {
    approved: decision.approved,
    ...(decision.remarks !== undefined && { remarks: decision.remarks }),
  };
  return [{ type: EVENT_OF_CHECK[check], data }];
}

/** Registry definitions (structurally the platform's TypeDefinition, so the domain needs no registry import). */
export const checkEventTypes = Object.entries(checkEventSchemas).map(([name, schema]) => ({
  name,
  version: 1,
  schema,
}));
