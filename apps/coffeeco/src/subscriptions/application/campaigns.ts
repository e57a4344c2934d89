import type { Campaign } from '../domain/campaign.js';
import type { CampaignRepository } from './ports.js';

/** What subscriptions does with a campaign marketing launched, once it is in its own words: keeps it. */
export interface CampaignCommands {
  /** The latest word on a campaign wins (marketing may launch the same campaign again, corrected). */
  recordCampaign(campaign: Campaign): Promise<void>;
}

export const createCampaignCommands = ({
  campaigns,
}: {
  campaigns: CampaignRepository;
}): CampaignCommands => ({
  recordCampaign: (campaign) => campaigns.save(campaign),
});
