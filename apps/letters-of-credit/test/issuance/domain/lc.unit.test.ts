import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import * as LC from '../../../src/issuance/domain/lc.js';
import { type LCTerms, lcNumber } from '../../../src/issuance/domain/values.js';

const spec = aggregateSpec(LC.aggregate);
const applicationId = '8b0d4c52-3a55-4b8e-9f33-1a2b3c4d5e6f';
const terms: LCTerms = {
  clientReference: 'Cocoa for winter',
  amountCents: 950_000,
  currency: 'USD',
  beneficiary: {
    name: 'Wakanda Cocoa',
    address: { lines: ['1 Market St'], city: 'Birnin Zana', country: 'XW' },
  },
  merchandise: { items: [{ productId: 'f7d3c2b1-0a9e-4d8c-b7a6-5f4e3d2c1b0a', quantity: 40 }] },
  documents: ['Bill of lading'],
  expiryDate: '2026-12-31',
};
const issuedAt = new Date('2026-03-04T05:06:07.089Z');
const issueInput = {
  lcApplicationId: applicationId,
  applicantId: 'importer-1',
  terms,
  sequence: 7,
  issuedAt,
};
const issued: LC.Event = {
  type: 'issuance.LCIssued',
  data: {
    lcNumber: 'KPB-LC-2026-000007',
    lcApplicationId: applicationId,
    applicantId: 'importer-1',
    terms,
    issuedAt: '2026-03-04T05:06:07.089Z',
  },
};

describe('LC: issue', () => {
  it('issues the LC of an approved application with its number for the year of issue and the terms as approved', () => {
    const state = spec
      .given()
      .when((s) => LC.issue(s, issueInput))
      .thenEvents(issued);
    expect(state).toEqual({ status: 'issued', ...issued.data });
  });

  it('issues nothing more when the approval is heard again, whatever number it would take', () => {
    spec
      .given(issued)
      .when((s) => LC.issue(s, { ...issueInput, sequence: 8, issuedAt: new Date('2027-01-01T00:00:00Z') }))
      .thenEvents();
  });

  it('never issues an LC for a second application', () => {
    spec
      .given(issued)
      .when((s) => LC.issue(s, { ...issueInput, lcApplicationId: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' }))
      .thenFails({ kind: 'conflict', code: 'lc_already_issued' });
  });

  it('tells whether the LC was issued for the application already, so that no number is taken again', () => {
    expect(LC.issuedAlready(LC.aggregate.initialState, applicationId)).toBe(false);
    const state = spec.given(issued).state;
    expect(LC.issuedAlready(state, applicationId)).toBe(true);
    expect(() => LC.issuedAlready(state, '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9')).toThrow(
      /another application/,
    );
  });
});

describe('LC numbers', () => {
  it('are the prefix, the year and the place in it, six digits at least, so that a year sorts as given', () => {
    expect(lcNumber(2026, 1)).toBe('KPB-LC-2026-000001');
    expect(lcNumber(2026, 123_456)).toBe('KPB-LC-2026-123456');
    expect(lcNumber(2027, 1_234_567)).toBe('KPB-LC-2027-1234567');
    const ordered = [1, 2, 9, 10, 99, 100, 999_999].map((n) => lcNumber(2026, n));
    expect([...ordered].sort()).toEqual(ordered);
  });

  it('are only made of a year and a positive place', () => {
    for (const [year, sequence] of [
      [26, 1],
      [2026, 0],
      [2026, -1],
      [2026, 1.5],
      [10_000, 1],
    ] as const) {
      expect(() => lcNumber(year, sequence), `${year} ${sequence}`).toThrow(RangeError);
    }
  });
});
