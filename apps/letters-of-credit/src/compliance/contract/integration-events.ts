import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Compliance's published language: the product analysis department's two checks of a submitted application's
 * merchandise, its value and its legality. Each is one decision per application, keyed by the application's
 * id (so one application's messages stay in order) and carrying it (the auto-approval saga's association).
 */
export const COMPLIANCE_CHANNEL = 'letters-of-credit.compliance.events.ProductChecks';

/** A check's outcome: approved or not, with the analyst's (or the rule's) remarks. */
const decisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string().optional() });
const productCheck = z.strictObject({ lcApplicationId: z.uuid(), decision: decisionSchema });

export const complianceMessages = {
  'compliance.ProductValueValidated': productCheck,
  'compliance.ProductLegalityValidated': productCheck,
};

export type ComplianceMessage = MessageOf<typeof complianceMessages>;

export const compliancePublishes: readonly ChannelContract[] = [
  channelContract({
    address: COMPLIANCE_CHANNEL,
    description: "The product checks of submitted applications' merchandise; keyed by application id",
    messages: complianceMessages,
    summaries: {
      'compliance.ProductValueValidated':
        "The merchandise's declared value was checked: approved or rejected",
      'compliance.ProductLegalityValidated': 'The merchandise was checked against what may be imported',
    },
  }),
];
