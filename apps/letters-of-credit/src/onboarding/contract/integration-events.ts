import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Customer Onboarding's published language: the credit analysis department's check of the applicant of a
 * submitted application, one decision per application, keyed by the application's id and carrying it (the
 * auto-approval saga's association).
 */
export const ONBOARDING_CHANNEL = 'letters-of-credit.onboarding.events.ApplicantChecks';

/** A check's outcome: approved or not, with the analyst's (or the rule's) remarks. */
const decisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string().optional() });

export const onboardingMessages = {
  'onboarding.ApplicantCreditValidated': z.strictObject({
    lcApplicationId: z.uuid(),
    applicantId: z.string(),
    decision: decisionSchema,
  }),
};

export type OnboardingMessage = MessageOf<typeof onboardingMessages>;

export const onboardingPublishes: readonly ChannelContract[] = [
  channelContract({
    address: ONBOARDING_CHANNEL,
    description: 'The credit checks of the applicants of submitted applications; keyed by application id',
    messages: onboardingMessages,
    summaries: {
      'onboarding.ApplicantCreditValidated':
        "The applicant's credit worthiness was checked for an application",
    },
  }),
];
