import { pageOf } from '@tessera/platform/ddd';
import type { Queryable } from '@tessera/platform/sql';
import type { CampaignRepository } from '../../application/ports.js';
import { type Campaign, endDay } from '../../domain/campaign.js';

interface CampaignRow {
  campaign_id: string;
  title: string;
  goal: string;
  /** `date` is read as text (to_char), so no driver turns the day into a local-time instant. */
  end_day: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The campaigns, in `coffeeco_subscriptions.campaigns`: subscriptions' own model, the latest word on each. */
export function postgresCampaigns(db: Queryable): CampaignRepository {
  return {
    async save(campaign) {
      await db.query(
        `INSERT INTO coffeeco_subscriptions.campaigns (campaign_id, title, goal, end_date) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id) DO UPDATE
           SET title = excluded.title, goal = excluded.goal, end_date = excluded.end_date, received_at = now()`,
        [campaign.ID, campaign.Title, campaign.Goal, endDay(campaign)],
      );
    },

    async page({ limit, after }) {
      const [afterDay, afterID] = after ?? [];
      if (afterDay !== undefined && !DAY.test(afterDay)) return { items: [] };
      const { rows } = await db.query<CampaignRow>(
        `SELECT campaign_id, title, goal, to_char(end_date, 'YYYY-MM-DD') AS end_day
           FROM coffeeco_subscriptions.campaigns
          WHERE $1::date IS NULL OR (end_date, campaign_id) > ($1::date, $2::text)
          ORDER BY end_date, campaign_id LIMIT $3`,
        [afterDay ?? null, afterID ?? null, limit + 1],
      );
      const campaigns = rows.map(
        (row): Campaign => ({
          ID: row.campaign_id,
          Title: row.title,
          Goal: row.goal,
          EndDate: new Date(`${row.end_day}T00:00:00Z`),
        }),
      );
      return pageOf(campaigns, limit, (campaign) => [endDay(campaign), campaign.ID]);
    },
  };
}
