import {
  type ChannelContract,
  channelContract,
  type MessageOf,
  type Publisher,
  publishMessages,
} from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * The sanctions list's published language: the whole list each time it changes (it is short, and a reader
 * then needs no history: the latest list is the list). `version` grows by one per change, so a reader keeps
 * the newest whatever order copies arrive in.
 */
export const SANCTIONS_CHANNEL = 'letters-of-credit.sanctions.events.SanctionsList';
/** Where a module whose copy has no list yet asks for it: the list comes on SANCTIONS_CHANNEL. */
export const SANCTIONS_REQUESTS_CHANNEL = 'letters-of-credit.sanctions.requests';
/** Every message of the list is keyed alike: one list, in order. */
export const SANCTIONS_LIST_KEY = 'sanctions-list';

export const sanctionsMessages = {
  'sanctions.SanctionsListChanged': z.strictObject({
    /** ISO 3166-1 alpha-2 codes (user-assigned ones, such as XS for the book's Sokovia, included). */
    countries: z.array(z.string().regex(/^[A-Z]{2}$/)),
    version: z.number().int().positive(),
    changedAt: z.iso.datetime(),
  }),
};

export type SanctionsMessage = MessageOf<typeof sanctionsMessages>;

export const sanctionsRequests = {
  /** Publish the list as it is now (again, at its version): a copy that has none asks so at its start. */
  'sanctions.PublishSanctionsList': z.strictObject({ requestedBy: z.string().min(1).max(100) }),
};

export const sanctionsPublishes: readonly ChannelContract[] = [
  channelContract({
    address: SANCTIONS_CHANNEL,
    description: 'The countries trade with which is prohibited: the whole list at each change',
    messages: sanctionsMessages,
    summaries: {
      'sanctions.SanctionsListChanged':
        'The list changed, was first published, or was asked for again: here it is, at its version',
    },
  }),
];

export const sanctionsReceives: readonly ChannelContract[] = [
  channelContract({
    address: SANCTIONS_REQUESTS_CHANNEL,
    description: 'Requests for the list from modules whose copy has none; answered on the list channel',
    messages: sanctionsRequests,
    summaries: { 'sanctions.PublishSanctionsList': 'Publish the list as it is now' },
  }),
];

/**
 * Asks Sanctions for the list, for a copy that has none (in the ambient transaction, if any). Subscribe to
 * SANCTIONS_CHANNEL first: then either this request or Sanctions' first publication reaches the copy, whichever
 * module started first.
 */
export const requestSanctionsList = (publisher: Publisher, requestedBy: string) =>
  publishMessages(publisher, requestedBy, [
    {
      type: 'sanctions.PublishSanctionsList',
      subject: SANCTIONS_REQUESTS_CHANNEL,
      key: SANCTIONS_LIST_KEY,
      data: { requestedBy },
    },
  ]);
