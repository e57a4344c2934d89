import { type GroupSubscription, onMessages, PoisonMessageError } from '@tessera/platform/messaging';
import {
  MARKETING_CAMPAIGN_CHANNEL,
  type MarketingCampaignModel,
  marketingMessages,
} from '../../../marketing/contract/integration-events.js';
import type { CampaignCommands } from '../../application/campaigns.js';
import type { Campaign } from '../../domain/campaign.js';

/**
 * The anti-corruption layer between Marketing and Subscriptions (ACL-1..4), the one file that knows both
 * models: marketing's `MarketingCampaignModel` comes in, subscriptions' `Campaign` goes out. Marketing names
 * things its own way (`metadata.name`, `category`) and writes its end date as text it does not check; we keep
 * our own model instead of adopting theirs, and refuse here what cannot be translated.
 */

/** Why a campaign could not be translated, and which field of marketing's model is to blame. */
export class CampaignNotTranslatable extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'CampaignNotTranslatable';
  }
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Go's `time.Parse("2006-01-02", …)`: strictly YYYY-MM-DD, a day of the calendar, at midnight UTC. */
function midnightUTC(text: string): Date | undefined {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day);
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  // There is no year 0 on a calendar (nor in PostgreSQL's dates): 1 BC is followed by AD 1.
  return real && year > 0 ? date : undefined;
}

/** The book's `(*MarketingCampaignModel).ToCampaign`: marketing's campaign in our words, or why it is none. */
export function ToCampaign(m: MarketingCampaignModel): Campaign {
  if (m.ID === '') throw new CampaignNotTranslatable('campaign ID cannot be empty', 'ID');
  const EndDate = midnightUTC(m.metadata.endDate);
  if (!EndDate) throw new CampaignNotTranslatable('endDate was not in a parsable format', 'metadata.endDate');
  return Object.freeze({ ID: m.ID, Title: m.metadata.name, Goal: m.metadata.category, EndDate });
}

/** Subscriptions' consumer group on marketing's campaigns. */
export const SUBSCRIPTIONS_CAMPAIGNS_GROUP = 'subscriptions-marketing-campaigns';

/**
 * Each launched campaign, translated, is kept (in the handling's transaction, with its inbox row: a redelivery
 * changes nothing). One that cannot be translated will never be: a poison message, dead-lettered at once with
 * the reason, for an operator to see (and re-drive once marketing mends it); the group goes on with the next.
 */
export const marketingCampaignsGroup = (
  commands: Pick<CampaignCommands, 'recordCampaign'>,
): GroupSubscription => ({
  group: SUBSCRIPTIONS_CAMPAIGNS_GROUP,
  subject: MARKETING_CAMPAIGN_CHANNEL,
  handle: onMessages(marketingMessages, {
    'marketing.CampaignLaunched': async (model) => {
      let campaign: Campaign;
      try {
        campaign = ToCampaign(model);
      } catch (error) {
        if (!(error instanceof CampaignNotTranslatable)) throw error;
        throw new PoisonMessageError(error.message, `data.${error.field}`);
      }
      await commands.recordCampaign(campaign);
    },
  }),
});
