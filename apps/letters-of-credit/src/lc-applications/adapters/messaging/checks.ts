import {
  type Broker,
  type Envelope,
  onMessages,
  type Subscribed,
  subscribeGroups,
} from '@tessera/platform/messaging';
import type { SqlClient } from '@tessera/platform/sql';
import {
  complianceMessages,
  PRODUCT_CHECKS_CHANNEL,
} from '../../../compliance/contract/integration-events.js';
import {
  APPLICANT_CHECKS_CHANNEL,
  onboardingMessages,
} from '../../../onboarding/contract/integration-events.js';
import type { CheckRecording } from '../../application/checks.js';

export const PRODUCT_CHECKS_GROUP = 'lc-applications-product-checks';
export const APPLICANT_CHECKS_GROUP = 'lc-applications-applicant-checks';

/** Told, once its transaction has committed, of each check message handled (tests wait on it). */
export type ChecksObserver = (message: Envelope) => void;

/**
 * The partners' decisions, recorded in this module's event store in the broker's transaction (with the inbox
 * row that makes a redelivery a no-op): the query models are then projected, and rebuilt, from one store.
 */
export function subscribeToChecks(
  broker: Broker,
  db: SqlClient,
  checks: CheckRecording,
  observer?: ChecksObserver,
): Promise<Subscribed[]> {
  const record =
    (check: Parameters<CheckRecording['record']>[0]['check']) =>
    async ({
      lcApplicationId,
      decision,
    }: {
      lcApplicationId: string;
      decision: { approved: boolean; remarks?: string | undefined };
    }) => {
      await checks.record({
        id: lcApplicationId,
        check,
        decision: {
          approved: decision.approved,
          ...(decision.remarks !== undefined && { remarks: decision.remarks }),
        },
      });
    };
  return subscribeGroups(
    broker,
    [
      {
        group: PRODUCT_CHECKS_GROUP,
        subject: PRODUCT_CHECKS_CHANNEL,
        handle: onMessages(complianceMessages, {
          'compliance.ProductValueValidated': record('productValue'),
          'compliance.ProductLegalityValidated': record('productLegality'),
        }),
      },
      {
        group: APPLICANT_CHECKS_GROUP,
        subject: APPLICANT_CHECKS_CHANNEL,
        handle: onMessages(onboardingMessages, {
          'onboarding.ApplicantCreditValidated': record('applicantCredit'),
        }),
      },
    ],
    { db, observer },
  );
}
