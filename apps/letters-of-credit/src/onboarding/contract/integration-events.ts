import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Customer Onboarding's published language: its decision on the applicant's credit for a submitted LC
 * application, keyed by application id. This folder is the only part of the module other modules may import.
 */
export const ONBOARDING_CHANNEL = 'letters-of-credit.onboarding.events.ApplicantChecks';

/** The check's outcome: approved or rejected, with the analyst's (or the rule's) remarks. */
export const creditDecisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string().optional() });

export const onboardingMessages = {
  'onboarding.ApplicantCreditValidated': z.strictObject({
    lcApplicationId: z.uuid(),
    applicantId: z.string(),
    decision: creditDecisionSchema,
  }),
};

export type OnboardingMessage = MessageOf<typeof onboardingMessages>;

export const onboardingPublishes: readonly ChannelContract[] = [
  channelContract({
    address: ONBOARDING_CHANNEL,
    description:
      "Applicant checks of submitted LC applications: the applicant's credit; keyed by application id",
    messages: onboardingMessages,
    summaries: {
      'onboarding.ApplicantCreditValidated':
        "The applicant's credit line was checked against the LC's amount",
    },
  }),
];
