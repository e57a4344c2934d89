import { type Queryable, rowOfUuid } from '@tessera/platform/sql';
import type { LaunchRepository } from '../../application/launches.js';
import type { MarketingCampaignModel } from '../../contract/integration-events.js';

interface LaunchRow {
  launch_id: string;
  campaign: MarketingCampaignModel;
  launched_at: Date | string;
}

/** `coffeeco_marketing.launches`: each launch, its campaign kept as the marketer sent it. */
export function postgresLaunches(db: Queryable): LaunchRepository {
  return {
    async insert({ launchId, campaign, launchedAt }) {
      await db.query(
        'INSERT INTO coffeeco_marketing.launches (launch_id, campaign, launched_at) VALUES ($1, $2, $3)',
        [launchId, JSON.stringify(campaign), launchedAt],
      );
    },
    async find(launchId) {
      const row = await rowOfUuid<LaunchRow>(
        db,
        'SELECT launch_id, campaign, launched_at FROM coffeeco_marketing.launches WHERE launch_id = $1',
        launchId,
      );
      return (
        row && {
          launchId: row.launch_id,
          campaign: row.campaign,
          launchedAt: new Date(row.launched_at).toISOString(),
        }
      );
    },
  };
}
