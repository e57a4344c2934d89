import { describe, expect, it } from 'vitest';
import { type Applicant, registerApplicant } from '../../src/onboarding/domain/applicants.js';
import { applicantCredit, DEFAULT_CREDIT_RULES } from '../../src/onboarding/domain/credit-checks.js';

const ID = '3c2b1a09-8f7e-4d6c-9b5a-493827160504';
const rules = DEFAULT_CREDIT_RULES;
const withCreditLine = (creditLineCents: number): Applicant => ({
  id: ID,
  name: 'Acme Imports',
  creditLineCents,
});
const usd = (amountCents: number) => ({ amountCents, currency: 'USD' });

describe('registering an applicant', () => {
  it('trims the name and the company; the address is kept as given', () => {
    const address = { lines: ['1 Main St'], city: 'Springfield', country: 'US' };
    expect(registerApplicant({ id: ID, name: ' Ada ', company: ' Acme ', address })).toEqual({
      id: ID,
      name: 'Ada',
      company: 'Acme',
      address,
    });
    expect(registerApplicant({ id: ID, name: 'Ada' })).toEqual({ id: ID, name: 'Ada' });
  });

  it('refuses a blank name, or a blank company when one is given, naming the field', () => {
    expect(() => registerApplicant({ id: ID, name: ' ' })).toThrow(
      expect.objectContaining({ code: 'applicant_name_blank', field: 'name', kind: 'invalid_argument' }),
    );
    expect(() => registerApplicant({ id: ID, name: 'Ada', company: '' })).toThrow(
      expect.objectContaining({ code: 'applicant_company_blank', field: 'company' }),
    );
  });
});

describe('applicant credit: "credit line greater than 80% of LC amount"', () => {
  it('approves a credit line a cent over 80% of the amount', () => {
    expect(applicantCredit(usd(100_000_00), withCreditLine(80_000_01), rules)).toEqual({
      approved: true,
      remarks: '',
    });
  });

  it('rejects a credit line of exactly 80%, saying both amounts', () => {
    expect(applicantCredit(usd(100_000_00), withCreditLine(80_000_00), rules)).toEqual({
      approved: false,
      remarks: 'the credit line USD 80,000.00 is not greater than 80% of the LC amount USD 100,000.00',
    });
  });

  it('is exact where 80% is not a whole number of cents', () => {
    // 80% of 0.01 is 0.008: a credit line of 0.01 is greater, none is not.
    expect(applicantCredit(usd(1), withCreditLine(1), rules).approved).toBe(true);
    expect(applicantCredit(usd(1), withCreditLine(0), rules).approved).toBe(false);
    // 80% of 0.03 is 0.024: 0.02 is less, 0.03 more.
    expect(applicantCredit(usd(3), withCreditLine(2), rules).approved).toBe(false);
    expect(applicantCredit(usd(3), withCreditLine(3), rules).approved).toBe(true);
    // Amounts too large for exact arithmetic in doubles.
    const huge = Number.MAX_SAFE_INTEGER;
    expect(applicantCredit(usd(huge), withCreditLine(huge), rules).approved).toBe(true);
  });

  it('follows the configured percentage', () => {
    const full = { creditLinePercent: 100 };
    expect(applicantCredit(usd(50_000_00), withCreditLine(50_000_00), full).approved).toBe(false);
    expect(applicantCredit(usd(50_000_00), withCreditLine(50_000_01), full).approved).toBe(true);
  });

  it('rejects an applicant with no credit line, or who is not a customer', () => {
    expect(applicantCredit(usd(1_00), { id: ID, name: 'Ada' }, rules)).toEqual({
      approved: false,
      remarks: 'the applicant has no credit line yet',
    });
    expect(applicantCredit(usd(1_00), undefined, rules)).toEqual({
      approved: false,
      remarks: 'the applicant is not a customer of the bank',
    });
  });

  it('rejects an LC in another currency than the credit line, whatever the amounts', () => {
    expect(applicantCredit({ amountCents: 1, currency: 'EUR' }, withCreditLine(1_000_000_00), rules)).toEqual(
      {
        approved: false,
        remarks: 'the credit line is in USD: an LC in EUR cannot be weighed against it',
      },
    );
  });
});
