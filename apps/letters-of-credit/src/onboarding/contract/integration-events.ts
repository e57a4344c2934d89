import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Customer Onboarding's published language: credit analysis's decision on each submitted LC application, for
 * the auto-approval saga and trade finance. It is published once per application, keyed by `lcApplicationId`
 * (the saga's association).
 */
export const APPLICANT_CHECKS_CHANNEL = 'letters-of-credit.onboarding.events.ApplicantChecks';

/** A check's outcome: approved or not, with remarks saying why (empty when there is nothing to say). */
export const applicantDecisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string() });

export const onboardingMessages = {
  'onboarding.ApplicantCreditValidated': z.strictObject({
    lcApplicationId: z.uuid(),
    /** The applicant as the application names them: a customer's id here. */
    applicantId: z.string(),
    decision: applicantDecisionSchema,
  }),
};

export type OnboardingMessage = MessageOf<typeof onboardingMessages>;

export const onboardingPublishes: readonly ChannelContract[] = [
  channelContract({
    address: APPLICANT_CHECKS_CHANNEL,
    description: 'Credit analysis of submitted LC applications: one decision per application',
    messages: onboardingMessages,
    summaries: {
      'onboarding.ApplicantCreditValidated':
        "The applicant's credit was checked: a credit line greater than the share of the LC amount the bank asks",
    },
  }),
];
