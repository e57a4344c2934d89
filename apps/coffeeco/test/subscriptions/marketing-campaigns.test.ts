import { randomUUID } from 'node:crypto';
import type { Envelope } from '@tessera/platform/messaging';
import {
  describeBadRequests,
  eventually,
  expectDocumentedRoutes,
  expectProblem,
  type MessageRecorder,
  recordMessages,
  testSetups,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKETING_CAMPAIGN_CHANNEL } from '../../src/marketing/contract/integration-events.js';
import { marketingModule } from '../../src/marketing/module.js';
import { SUBSCRIPTIONS_CAMPAIGNS_GROUP } from '../../src/subscriptions/adapters/acl/marketing-campaigns.js';
import { HOST_START_MS, MARKETER, type SubscriptionsHost, startSubscriptionsHost } from './support.js';

const campaign = (ID: string, endDate: string, name = 'some campaign') => ({
  ID,
  metadata: { name, category: 'growth', endDate },
});

interface CampaignDto {
  id: string;
  title: string;
  goal: string;
  endDate: string;
}

describe.each(testSetups)(
  'a marketing campaign reaches Subscriptions through its anti-corruption layer, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: SubscriptionsHost;
    let published: MessageRecorder;
    beforeAll(async () => {
      api = await startSubscriptionsHost(backend, broker);
      published = await recordMessages(api.host.broker, [MARKETING_CAMPAIGN_CHANNEL]);
    }, HOST_START_MS);
    afterAll(async () => {
      await published?.stop();
      await api?.close();
    });

    const launch = async (body: object) => {
      const launched = await api.as(MARKETER).call('POST', '/api/marketing/campaigns', body);
      expect(launched.statusCode, launched.body).toBe(201);
      return launched.json<{ id: string }>().id;
    };
    /** Resolves once Subscriptions committed the handling of a launch of this campaign. */
    const handledFor = (key: string, count = 1) =>
      api.campaignsHandled.until(
        (handled) => handled.filter((message) => message.key === key).length >= count,
      );
    const campaigns = async () => {
      const answer = await api.as(MARKETER).call('GET', '/api/subscriptions/campaigns?limit=100');
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json<{ campaigns: CampaignDto[] }>().campaigns;
    };
    const deadLetter = (messageId: string) =>
      eventually(
        `message ${messageId} is dead-lettered`,
        () => api.host.broker.deadLetters.list(SUBSCRIPTIONS_CAMPAIGNS_GROUP),
        (letters) => letters.some((letter) => letter.messageId === messageId),
      ).then((letters) => letters.find((letter) => letter.messageId === messageId)!);
    const publishedLaunch = (key: string, count = 1) =>
      published
        .waitFor(
          (message) => published.messages.filter((m) => m.key === key).length >= count && message.key === key,
        )
        .then(() => published.messages.filter((message) => message.key === key)[count - 1]!);

    it('publishes the launch in marketing’s model, and Subscriptions keeps it in its own words (the book’s vector)', async () => {
      const ID = randomUUID();
      const model = campaign(ID, '2023-04-12');
      const launchId = await launch(model);
      const message = await publishedLaunch(ID);
      expect(message).toMatchObject({
        type: 'marketing.CampaignLaunched',
        source: 'marketing',
        subject: MARKETING_CAMPAIGN_CHANNEL,
        key: ID,
        data: model,
      });
      const read = await api.as(MARKETER).call('GET', `/api/marketing/campaigns/${launchId}`);
      expect(read.json()).toEqual({ launch: { launchId, campaign: model, launchedAt: expect.any(String) } });

      await handledFor(ID);
      expect((await campaigns()).find((one) => one.id === ID)).toEqual({
        id: ID,
        title: 'some campaign',
        goal: 'growth',
        endDate: '2023-04-12',
      });
    });

    it('dead-letters a campaign whose end date cannot be read, with the reason, and goes on with the next', async () => {
      const ID = `spring-${randomUUID().slice(0, 8)}`;
      await launch(campaign(ID, '12/04/2023'));
      const bad = await publishedLaunch(ID);
      // Marketing mends it and launches it again: same campaign, same key, so handled after the first.
      await launch(campaign(ID, '2023-05-01', 'spring, mended'));
      await handledFor(ID);
      const letter = await deadLetter(bad.id);
      expect(letter.reason).toContain('endDate was not in a parsable format');
      expect(letter.reason).toContain('data.metadata.endDate');
      // At once: a campaign that cannot be translated never will be, so it is not retried.
      expect(letter.attempts).toBe(1);
      // Nothing is lost: the dead letter holds the message as it was sent, for an operator to see and re-drive.
      expect((letter.envelope as Envelope).data).toEqual(campaign(ID, '12/04/2023'));
      expect((await campaigns()).filter((one) => one.id === ID)).toEqual([
        { id: ID, title: 'spring, mended', goal: 'growth', endDate: '2023-05-01' },
      ]);
      expect(api.campaignsHandled.items.some((message) => message.id === bad.id)).toBe(false);
    });

    it('dead-letters a campaign with no ID: "campaign ID cannot be empty"', async () => {
      const launchId = await launch(campaign('', '2023-04-12', `nameless ${randomUUID()}`));
      const message = await publishedLaunch(launchId);
      const letter = await deadLetter(message.id);
      expect(letter.reason).toContain('campaign ID cannot be empty');
      expect((await campaigns()).some((one) => one.id === '')).toBe(false);
      // The module lives on: the next good campaign is kept.
      const next = randomUUID();
      await launch(campaign(next, '2024-02-29'));
      await handledFor(next);
      expect((await campaigns()).find((one) => one.id === next)?.endDate).toBe('2024-02-29');
    });

    it('lets marketers launch, and no one else; the campaigns in Subscriptions are for marketers', async () => {
      const body = campaign(randomUUID(), '2023-04-12');
      expectProblem(await api.as('anonymous').call('POST', '/api/marketing/campaigns', body), 401);
      for (const roles of [['subscriber'], ['barista'], ['service']]) {
        const who = api.as({ subject: 'someone', roles });
        expectProblem(await who.call('POST', '/api/marketing/campaigns', body), 403);
        expectProblem(await who.call('GET', '/api/subscriptions/campaigns'), 403);
      }
      expectProblem(await api.as(MARKETER).call('GET', '/api/subscriptions/campaigns?after=bogus'), 400, {
        field: 'querystring.after',
      });
    });

    it('documents marketing’s routes', async () => {
      await expectDocumentedRoutes(api, marketingModule, '/api/marketing', [
        '/api/marketing/campaigns',
        '/api/marketing/campaigns/{launchId}',
      ]);
    });

    describeBadRequests(
      () => api,
      [
        { method: 'POST', path: '/api/marketing/campaigns', body: campaign('c-1', '2023-04-12') },
        {
          method: 'GET',
          path: '/api/marketing/campaigns/:launchId',
          notFound: { code: 'launch_not_found' },
        },
      ],
    );
  },
);
