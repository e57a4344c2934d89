import { type ChannelContract, channelContract } from '@tessera/platform/messaging';
import { z } from 'zod';

/**
 * Marketing's published language: a campaign was launched, in marketing's own model (the book's
 * `MarketingCampaignModel`, JSON keys as marketing writes them). Marketing is upstream and not ours to fix: it
 * checks little, its end date is text in its own format, and a reader translates it into its own model (as
 * Subscriptions' anti-corruption layer does) instead of adopting this one.
 */
export const MARKETING_CAMPAIGN_CHANNEL = 'coffeeco.marketing.events.Campaign';

/** Only the types are checked: what the strings say (an empty ID, a date in any format) is for readers to judge. */
export const marketingCampaignModel = z
  .object({
    ID: z.string(),
    metadata: z.object({
      name: z.string(),
      category: z.string(),
      /** A date as marketing writes it (the book's: YYYY-MM-DD, which marketing does not enforce). */
      endDate: z.string(),
    }),
  })
  .meta({ id: 'MarketingCampaignModel' });

/** The model's JSON, as sent (an unknown key added by marketing later is ignored by readers, not refused). */
export type MarketingCampaignModel = z.infer<typeof marketingCampaignModel>;

export const marketingMessages = {
  'marketing.CampaignLaunched': marketingCampaignModel,
};

export const marketingPublishes: readonly ChannelContract[] = [
  channelContract({
    address: MARKETING_CAMPAIGN_CHANNEL,
    description: 'Campaigns as marketing launches them, each launch once; keyed by the campaign ID',
    messages: marketingMessages,
    summaries: { 'marketing.CampaignLaunched': 'A marketer launched a campaign (again: a corrected one)' },
  }),
];
