import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Compliance's published language: its decisions on the products of a submitted LC application, one message
 * per check, keyed by application id. This folder is the only part of the module other modules may import.
 */
export const COMPLIANCE_CHANNEL = 'letters-of-credit.compliance.events.ProductChecks';

/** A check's outcome: approved or rejected, with the analyst's (or the rule's) remarks. */
export const decisionSchema = z.strictObject({ approved: z.boolean(), remarks: z.string().optional() });
export type Decision = z.infer<typeof decisionSchema>;

export const complianceMessages = {
  'compliance.ProductValueValidated': z.strictObject({ lcApplicationId: z.uuid(), decision: decisionSchema }),
  'compliance.ProductLegalityValidated': z.strictObject({
    lcApplicationId: z.uuid(),
    decision: decisionSchema,
  }),
};

export type ComplianceMessage = MessageOf<typeof complianceMessages>;

export const compliancePublishes: readonly ChannelContract[] = [
  channelContract({
    address: COMPLIANCE_CHANNEL,
    description: 'Product checks of submitted LC applications: value and legality; keyed by application id',
    messages: complianceMessages,
    summaries: {
      'compliance.ProductValueValidated': "The merchandise's value was checked against the LC's amount",
      'compliance.ProductLegalityValidated': 'The products were checked against what may be imported',
    },
  }),
];
