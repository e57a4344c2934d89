import { found, notFound, type UnitOfWork } from '@tessera/platform/ddd';
import type { MarketingCampaignModel } from '../contract/integration-events.js';

/** A campaign as a marketer launched it, once. */
export interface Launch {
  readonly launchId: string;
  readonly campaign: MarketingCampaignModel;
  readonly launchedAt: string;
}

export interface LaunchRepository {
  insert(launch: Launch): Promise<void>;
  find(launchId: string): Promise<Launch | undefined>;
}

/** Where a launch is announced, inside the transaction that records it: it exists if and only if that commits. */
export interface LaunchOutbox {
  publish(launch: Launch): Promise<void>;
}

export interface Marketing {
  launchCampaign(campaign: MarketingCampaignModel): Promise<{ id: string }>;
  launch(launchId: string): Promise<Launch>;
}

/**
 * Marketing, as much of it as CoffeeCo sees: marketers launch campaigns, and each launch is recorded and
 * published together. It judges nothing of what a campaign says: that is its readers' business.
 */
export function createMarketing(deps: {
  db: Pick<UnitOfWork, 'transaction'>;
  launches: LaunchRepository;
  outbox: LaunchOutbox;
  newId: () => string;
  now: () => Date;
}): Marketing {
  return {
    async launchCampaign(campaign) {
      const launch = { launchId: deps.newId(), campaign, launchedAt: deps.now().toISOString() };
      await deps.db.transaction(async () => {
        await deps.launches.insert(launch);
        await deps.outbox.publish(launch);
      });
      return { id: launch.launchId };
    },
    async launch(launchId) {
      return found(await deps.launches.find(launchId), () =>
        notFound('launch_not_found', 'no campaign launch has this ID'),
      );
    },
  };
}
