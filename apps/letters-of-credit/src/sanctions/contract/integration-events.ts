import { type ChannelContract, channelContract, type MessageOf } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * The sanctions list's published language: the whole list each time it changes (it is short, and a reader
 * then needs no history: the latest list is the list). `version` grows by one per change, so a reader keeps
 * the newest whatever order copies arrive in.
 */
export const SANCTIONS_CHANNEL = 'letters-of-credit.sanctions.events.SanctionsList';

export const sanctionsMessages = {
  'sanctions.SanctionsListChanged': z.strictObject({
    /** ISO 3166-1 alpha-2 codes (user-assigned ones, such as XS for the book's Sokovia, included). */
    countries: z.array(z.string().regex(/^[A-Z]{2}$/)),
    version: z.number().int().positive(),
    changedAt: z.iso.datetime(),
  }),
};

export type SanctionsMessage = MessageOf<typeof sanctionsMessages>;

export const sanctionsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: SANCTIONS_CHANNEL,
    description: 'The countries trade with which is prohibited: the whole list at each change',
    messages: sanctionsMessages,
    summaries: { 'sanctions.SanctionsListChanged': 'The list changed (or was first published): here it is' },
  }),
];
