import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import {
  LC_APPLICATION_CHANNEL,
  lcApplicationMessages,
} from '../../../lc-applications/contract/integration-events.js';
import type { OnboardingCommands } from '../../application/commands.js';

/** Customer Onboarding's consumer group on LC Application Processing's channel. */
export const ONBOARDING_LC_APPLICATIONS_GROUP = 'onboarding-lc-applications';

/**
 * Each submitted application has its applicant's credit checked. The broker runs the handling in a
 * transaction with its inbox row (a redelivery is dropped), and the decisions' record makes a re-publication
 * under another id decide nothing. The application's other messages are not read.
 */
export const lcApplicationsGroup = (
  commands: Pick<OnboardingCommands, 'checkCredit'>,
): GroupSubscription => ({
  group: ONBOARDING_LC_APPLICATIONS_GROUP,
  subject: LC_APPLICATION_CHANNEL,
  handle: onMessages(lcApplicationMessages, {
    'lcapplications.LCApplicationSubmitted': ({ lcApplicationId, applicantId, amountCents, currency }) =>
      commands.checkCredit({ lcApplicationId, applicantId, amountCents, currency }),
  }),
});
