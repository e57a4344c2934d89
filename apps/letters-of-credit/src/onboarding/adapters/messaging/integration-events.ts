import { derivedId, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { DecisionOutbox } from '../../application/ports.js';
import { APPLICANT_CHECKS_CHANNEL, type OnboardingMessage } from '../../contract/integration-events.js';

/**
 * Publishes the decision through the broker in the recording transaction. Its id derives from the module and
 * the application, so it is the same however often the decision is attempted; the module's name is part of it
 * because Compliance's decisions are keyed by the same application ids.
 */
export function brokerOutbox(broker: Publisher): DecisionOutbox {
  return {
    publish: ({ lcApplicationId, applicantId, decision }) => {
      const message: OnboardingMessage = {
        type: 'onboarding.ApplicantCreditValidated',
        data: { lcApplicationId, applicantId, decision },
      };
      return publishMessages(broker, 'onboarding', [
        {
          id: derivedId(`onboarding/${lcApplicationId}`, 0),
          ...message,
          subject: APPLICANT_CHECKS_CHANNEL,
          key: lcApplicationId,
        },
      ]);
    },
  };
}
