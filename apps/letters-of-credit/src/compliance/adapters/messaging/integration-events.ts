import { derivedId, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { DecisionOutbox, ProductChecks } from '../../application/ports.js';
import { type ComplianceMessage, PRODUCT_CHECKS_CHANNEL } from '../../contract/integration-events.js';

/** The two messages of an application's decisions, in the order the saga may receive them. */
function toMessages({ lcApplicationId, value, legality }: ProductChecks): ComplianceMessage[] {
  return [
    { type: 'compliance.ProductValueValidated', data: { lcApplicationId, decision: value } },
    { type: 'compliance.ProductLegalityValidated', data: { lcApplicationId, decision: legality } },
  ];
}

/**
 * Publishes the decisions through the broker in the recording transaction. Their ids derive from the module
 * and the application, so they are the same however often the decision is attempted; the module's name is
 * part of it because Customer Onboarding's decisions are keyed by the same application ids.
 */
export function brokerOutbox(broker: Publisher): DecisionOutbox {
  return {
    publish: (checks) =>
      publishMessages(
        broker,
        'compliance',
        toMessages(checks).map((message, index) => ({
          id: derivedId(`compliance/${checks.lcApplicationId}`, index),
          type: message.type,
          subject: PRODUCT_CHECKS_CHANNEL,
          key: checks.lcApplicationId,
          data: message.data,
        })),
      ),
  };
}
