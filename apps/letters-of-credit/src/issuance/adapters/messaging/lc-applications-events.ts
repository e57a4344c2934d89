import { type GroupSubscription, onMessages } from '@tessera/platform/messaging';
import {
  type ApprovedTerms,
  LC_APPLICATION_CHANNEL,
  lcApplicationMessages,
  lcApplicationMessageVersions,
} from '../../../lc-applications/contract/integration-events.js';
import type { IssuanceCommands } from '../../application/commands.js';
import type { LCTerms } from '../../domain/values.js';

/** The group through which Issuance hears of approved applications. */
export const ISSUANCE_LC_APPLICATIONS_GROUP = 'issuance-lc-applications';

/** The approved terms in Issuance's words: the same facts, its own model (an anti-corruption layer). */
export const toLCTerms = (terms: ApprovedTerms): LCTerms => ({
  clientReference: terms.clientReference,
  amountCents: terms.amountCents,
  currency: terms.currency,
  ...(terms.applicant && { applicant: terms.applicant }),
  ...(terms.beneficiary && { beneficiary: terms.beneficiary }),
  ...(terms.advisingBank && { advisingBank: terms.advisingBank }),
  merchandise: terms.merchandise,
  documents: terms.documents,
  ...(terms.expiryDate !== undefined && { expiryDate: terms.expiryDate }),
});

/**
 * An LC for each approved application, whatever version of the approval was published. The handler runs in the broker's transaction, whose inbox drops a
 * message seen before; an approval heard again under another id finds its LC issued and issues nothing.
 */
export function lcApplicationsGroups(commands: IssuanceCommands): GroupSubscription[] {
  const { 'lcapplications.LCApplicationApproved': approved } = lcApplicationMessages;
  return [
    {
      group: ISSUANCE_LC_APPLICATIONS_GROUP,
      subject: LC_APPLICATION_CHANNEL,
      handle: onMessages(
        { 'lcapplications.LCApplicationApproved': approved },
        {
          'lcapplications.LCApplicationApproved': async ({ lcApplicationId, applicantId, terms }) => {
            await commands.issue({ lcApplicationId, applicantId, terms: toLCTerms(terms) });
          },
        },
        // Approvals published before version 2 (a one-line beneficiary address) are read as version 2.
        { versions: lcApplicationMessageVersions },
      ),
    },
  ];
}
