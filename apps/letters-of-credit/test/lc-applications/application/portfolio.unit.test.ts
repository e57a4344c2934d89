import { describe, expect, it } from 'vitest';
import {
  type PortfolioSources,
  PortfolioUnavailable,
  portfolioQuery,
} from '../../../src/lc-applications/application/portfolio.js';

const draft = { id: 'a1', clientReference: 'Cocoa', status: 'draft' };
const lc = {
  lcId: 'l1',
  lcNumber: 'KPB-LC-2026-000001',
  lcApplicationId: 'a0',
  clientReference: 'Coffee',
  amountCents: 100_000,
  currency: 'USD',
  issuedAt: '2026-12-06T10:00:00.000Z',
};
const never = new Promise<never>(() => {});

function query(sources: Partial<PortfolioSources>, failures: string[] = []) {
  return portfolioQuery(
    { activeApplications: async () => [draft], issuedLCs: async () => [lc], ...sources },
    { timeoutMs: 50, onFailure: (source) => failures.push(source) },
  );
}

describe('an applicant portfolio gathered from two sources', () => {
  it('gathers the applications in progress and the issued LCs, asking both at once', async () => {
    const asked: string[] = [];
    const portfolio = await query({
      activeApplications: async (applicantId, limit) => {
        asked.push(`applications ${applicantId} ${limit}`);
        return [draft];
      },
      issuedLCs: async (applicantId) => {
        // Still waiting on the first: both were asked before either answered.
        expect(asked).toHaveLength(1);
        asked.push(`issuance ${applicantId}`);
        return [lc];
      },
    })('importer-1');
    expect(portfolio).toEqual({
      applicantId: 'importer-1',
      applications: [draft],
      issuedLCs: [lc],
      sources: { applications: 'answered', issuance: 'answered' },
    });
    expect(asked).toEqual(['applications importer-1 100', 'issuance importer-1']);
  });

  it('answers with the applications alone when Issuance fails or is too slow, saying so', async () => {
    const failures: string[] = [];
    const down = await query({ issuedLCs: () => Promise.reject(new Error('down')) }, failures)('i');
    expect(down).toMatchObject({
      applications: [draft],
      issuedLCs: [],
      sources: { issuance: 'unavailable' },
    });
    const slow = await query({ issuedLCs: () => never }, failures)('i');
    expect(slow.sources).toEqual({ applications: 'answered', issuance: 'timed-out' });
    expect(failures).toEqual(['issuance', 'issuance']);
  });

  it('answers with the issued LCs alone when the applications cannot be read', async () => {
    const portfolio = await query({ activeApplications: () => Promise.reject(new Error('db')) })('i');
    expect(portfolio).toMatchObject({
      issuedLCs: [lc],
      sources: { applications: 'unavailable', issuance: 'answered' },
    });
  });

  it('is unavailable when neither source answers (an empty portfolio would be a lie)', async () => {
    await expect(
      query({ activeApplications: () => never, issuedLCs: () => Promise.reject(new Error('down')) })('i'),
    ).rejects.toBeInstanceOf(PortfolioUnavailable);
  });
});
