import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Compliance's published language: product analysis's two decisions on each submitted LC application, for
 * the auto-approval saga and trade finance. Each is published once per application, keyed by
 * `lcApplicationId` (the saga's association), and covers all the application's items.
 */
export const PRODUCT_CHECKS_CHANNEL = 'letters-of-credit.compliance.events.ProductChecks';

/** A check's outcome: approved or not, with remarks saying why (empty when there is nothing to say). */
export const productDecisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string() });

const productCheck = z.strictObject({ lcApplicationId: z.uuid(), decision: productDecisionSchema });

export const complianceMessages = {
  'compliance.ProductValueValidated': productCheck,
  'compliance.ProductLegalityValidated': productCheck,
};

export type ComplianceMessage = MessageOf<typeof complianceMessages>;

export const compliancePublishes: readonly ChannelContract[] = [
  channelContract({
    address: PRODUCT_CHECKS_CHANNEL,
    description:
      'Product analysis of submitted LC applications: value and legality, one each per application',
    messages: complianceMessages,
    summaries: {
      'compliance.ProductValueValidated':
        "The amount was checked: USD only, within the maximum, not over the merchandise's reference value",
      'compliance.ProductLegalityValidated':
        'The merchandise was checked against the product register: no product of a prohibited category',
    },
  }),
];
