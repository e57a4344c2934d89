import { type HttpServer, restRoutes } from '@tessera/platform/http';
import { z } from 'zod';
import type { Marketing } from '../../application/launches.js';
import { marketingRoles } from '../../contract/roles.js';

const tags = ['marketing'];
const problems = {
  badRequest: 'The campaign is not marketing’s model: ID and metadata (name, category, endDate), all text',
  notFound: 'No campaign launch has this ID',
};

const text = (max: number) => z.string().max(max);

/** The book's MarketingCampaignModel as marketing takes it: its shape and sizes, nothing of what it says. */
const campaignBody = z
  .strictObject({
    ID: text(200).describe('The campaign’s ID, as marketing names it'),
    metadata: z.strictObject({
      name: text(1000),
      category: text(1000),
      endDate: text(100).describe(
        'When it ends, as marketing writes it (the book’s YYYY-MM-DD, not enforced)',
      ),
    }),
  })
  .describe('A campaign in marketing’s own model');

const launchResponse = z
  .object({
    launch: z.object({
      launchId: z.uuid(),
      campaign: z.object({
        ID: z.string(),
        metadata: z.object({ name: z.string(), category: z.string(), endDate: z.string() }),
      }),
      launchedAt: z.iso.datetime(),
    }),
  })
  .meta({ id: 'MarketingCampaignLaunch' });

const { marketer } = marketingRoles;

/** Marketing's routes under /api/marketing: a marketer launches a campaign, and reads a launch back. */
export function registerMarketingRoutes(http: HttpServer, marketing: Marketing) {
  const rest = restRoutes(http, { tags, problems });

  rest.post('/api/marketing/campaigns', 'launchCampaign', {
    audience: { roles: [marketer] },
    summary: 'Launch a campaign: it is published to whoever listens (marketing.CampaignLaunched)',
    description:
      'Marketing checks the campaign’s shape only: an empty ID or an end date in no known format is published ' +
      'as it is, for its readers to refuse.',
    body: campaignBody,
    created: 'Launched',
    handler: ({ body }) => marketing.launchCampaign(body),
  });

  rest.get('/api/marketing/campaigns/:launchId', 'getCampaignLaunch', {
    audience: { roles: [marketer] },
    summary: 'A campaign launch: the campaign as it was sent, and when',
    params: z.object({ launchId: z.uuid().toLowerCase() }),
    ok: launchResponse,
    handler: async ({ params }) => ({ launch: await marketing.launch(params.launchId) }),
  });
}
