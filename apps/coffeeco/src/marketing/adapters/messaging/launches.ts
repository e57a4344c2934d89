import { derivedId, type Publisher, publishMessages } from '@tessera/platform/messaging';
import type { LaunchOutbox } from '../../application/launches.js';
import { MARKETING_CAMPAIGN_CHANNEL } from '../../contract/integration-events.js';

/**
 * Each launch is published in its recording transaction (the outbox), its id derived from the launch's, keyed
 * by the campaign ID so that a campaign's launches arrive in order; a launch without an ID is keyed by itself.
 */
export const brokerOutbox = (broker: Publisher): LaunchOutbox => ({
  publish: ({ launchId, campaign }) =>
    publishMessages(broker, 'marketing', [
      {
        id: derivedId(`marketing.Launch/${launchId}`, 0),
        type: 'marketing.CampaignLaunched',
        subject: MARKETING_CAMPAIGN_CHANNEL,
        key: campaign.ID === '' ? launchId : campaign.ID,
        data: campaign,
      },
    ]),
});
