import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import {
  LC_APPLICATION_CHANNEL,
  lcApplicationMessages,
} from '../../../lc-applications/contract/integration-events.js';
import type { ComplianceCommands } from '../../application/commands.js';

/** Compliance's consumer group on LC Application Processing's channel. */
export const COMPLIANCE_LC_APPLICATIONS_GROUP = 'compliance-lc-applications';

/**
 * Each submitted application is analysed: its merchandise's items are the products to check. The broker runs
 * the handling in a transaction with its inbox row (a redelivery is dropped), and the decisions' record makes
 * a re-publication under another id decide nothing. The application's other messages are not read.
 */
export const lcApplicationsGroup = (
  commands: Pick<ComplianceCommands, 'checkProducts'>,
): GroupSubscription => ({
  group: COMPLIANCE_LC_APPLICATIONS_GROUP,
  subject: LC_APPLICATION_CHANNEL,
  handle: onMessages(lcApplicationMessages, {
    'lcapplications.LCApplicationSubmitted': ({ lcApplicationId, amountCents, currency, merchandise }) =>
      commands.checkProducts({ lcApplicationId, amountCents, currency, items: merchandise.items }),
  }),
});
