import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * LC Issuance's published language: an LC was issued for an approved application, with the bank's number for
 * it. Keyed by the LC's id. Lean: who needs the whole terms asks for the LC (`GET /api/issuance/lcs/{id}`).
 */
export const LC_CHANNEL = 'letters-of-credit.issuance.events.LC';

export const issuanceMessages = {
  'issuance.LCIssued': z.strictObject({
    lcId: z.uuid(),
    /** The bank's number, e.g. KPB-LC-2026-000001: unique, sequential within the year of issue. */
    lcNumber: z.string(),
    lcApplicationId: z.uuid(),
    applicantId: z.string(),
    clientReference: z.string(),
    /** Whole cents (ADR 0006). */
    amountCents: z.number().int().positive(),
    currency: z.string().length(3),
    /** YYYY-MM-DD, when the terms give one. */
    expiryDate: z.string().optional(),
    issuedAt: z.iso.datetime(),
  }),
};

export type IssuanceMessage = MessageOf<typeof issuanceMessages>;

export const issuancePublishes: readonly ChannelContract[] = [
  channelContract({
    address: LC_CHANNEL,
    description: 'Issued LCs: one per approved application, with its number; keyed by LC id',
    messages: issuanceMessages,
    summaries: { 'issuance.LCIssued': 'An LC was issued for an approved application' },
  }),
];
