import { describe, expect, it } from 'vitest';
import type { MarketingCampaignModel } from '../../src/marketing/contract/integration-events.js';
import {
  type CampaignNotTranslatable,
  ToCampaign,
} from '../../src/subscriptions/adapters/acl/marketing-campaigns.js';

const model = (ID: string, endDate: string): MarketingCampaignModel => ({
  ID,
  metadata: { name: 'some campaign', category: 'growth', endDate },
});

const refusal = (m: MarketingCampaignModel) => {
  try {
    ToCampaign(m);
  } catch (error) {
    return error as CampaignNotTranslatable;
  }
  throw new Error(`${JSON.stringify(m)} was translated`);
};

describe('the anti-corruption layer translates marketing’s campaigns into ours (ACL-1..3)', () => {
  it('maps the book’s test vector: ID, name → Title, category → Goal, endDate → EndDate at midnight UTC', () => {
    const campaign = ToCampaign(model('4cdd4ba9-7c04-4a3d-ac52-71f37ba75d7f', '2023-04-12'));
    expect(campaign).toEqual({
      ID: '4cdd4ba9-7c04-4a3d-ac52-71f37ba75d7f',
      Title: 'some campaign',
      Goal: 'growth',
      EndDate: new Date('2023-04-12T00:00:00Z'),
    });
    expect(campaign.EndDate.toISOString()).toBe('2023-04-12T00:00:00.000Z');
    expect(Object.isFrozen(campaign)).toBe(true);
  });

  it('refuses an empty ID: "campaign ID cannot be empty"', () => {
    const error = refusal(model('', '2023-04-12'));
    expect(error).toBeInstanceOf(Error);
    expect([error.message, error.field]).toEqual(['campaign ID cannot be empty', 'ID']);
  });

  it('refuses an end date that is not strictly YYYY-MM-DD, or no day of the calendar', () => {
    for (const endDate of [
      '',
      '2023-4-12',
      '12/04/2023',
      '2023-04-12T00:00:00Z',
      ' 2023-04-12',
      '2023-04-12 ',
      '20230412',
      '2023-02-29',
      '2023-04-31',
      '2023-13-01',
      '2023-00-10',
      '2023-04-00',
      '0000-01-01',
      '+02023-04-12',
      '２０２３-04-12',
    ]) {
      const error = refusal(model('c-1', endDate));
      expect([error.message, error.field], endDate).toEqual([
        'endDate was not in a parsable format',
        'metadata.endDate',
      ]);
    }
  });

  it('takes every real day, leap days and years below 100 included', () => {
    for (const [endDate, iso] of [
      ['2024-02-29', '2024-02-29T00:00:00.000Z'],
      ['2023-12-31', '2023-12-31T00:00:00.000Z'],
      ['0001-01-01', '0001-01-01T00:00:00.000Z'],
      ['0099-06-15', '0099-06-15T00:00:00.000Z'],
      ['9999-12-31', '9999-12-31T00:00:00.000Z'],
    ]) {
      expect(ToCampaign(model('c-1', endDate!)).EndDate.toISOString()).toBe(iso);
    }
  });
});
