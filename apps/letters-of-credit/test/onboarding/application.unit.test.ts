import type { NewAccount } from '@tessera/platform/identity';
import { ConfigError } from '@tessera/platform/runtime';
import { describe, expect, it } from 'vitest';
import { createOnboardingCommands } from '../../src/onboarding/application/commands.js';
import type { CreditCheck } from '../../src/onboarding/application/ports.js';
import type { Applicant } from '../../src/onboarding/domain/applicants.js';
import { DEFAULT_CREDIT_RULES } from '../../src/onboarding/domain/credit-checks.js';
import { creditRulesFrom } from '../../src/onboarding/module.js';

const APPLICANT = '3c2b1a09-8f7e-4d6c-9b5a-493827160504';
const LC = '5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3';

/** The application layer on ports in memory: the applicants, the records, the accounts, what was published. */
function inMemory() {
  const applicants = new Map<string, Applicant>();
  const records = new Map<string, CreditCheck>();
  const accounts: NewAccount[] = [];
  const published: CreditCheck[] = [];
  const commands = createOnboardingCommands({
    db: { transaction: (work) => work() },
    applicants: {
      add: async (applicant) => void applicants.set(applicant.id, applicant),
      find: async (id) => applicants.get(id),
      async setCreditLine(id, creditLineCents) {
        const applicant = applicants.get(id);
        if (applicant) applicants.set(id, { ...applicant, creditLineCents });
        return applicants.get(id);
      },
    },
    checks: {
      async record(check) {
        if (records.has(check.lcApplicationId)) return false;
        records.set(check.lcApplicationId, check);
        return true;
      },
      find: async (id) => records.get(id) && { ...records.get(id)!, decidedAt: 'now' },
    },
    outbox: { publish: async (check) => void published.push(check) },
    accounts: { register: async (account) => void accounts.push(account) },
    newId: () => APPLICANT,
    rules: DEFAULT_CREDIT_RULES,
  });
  return { commands, accounts, records, published };
}

describe('Customer Onboarding’s commands', () => {
  it('registers an applicant with an account whose subject is their id and whose role is applicant', async () => {
    const { commands, accounts } = inMemory();
    const { id } = await commands.registerApplicant({
      username: 'acme',
      password: 'secret-enough',
      name: 'Acme',
    });
    expect(id).toBe(APPLICANT);
    expect(accounts).toEqual([
      { subject: APPLICANT, username: 'acme', password: 'secret-enough', roles: ['applicant'] },
    ]);
  });

  it('refuses a credit line for nobody with 404', async () => {
    await expect(
      inMemory().commands.setCreditLine({ applicantId: APPLICANT, creditLineCents: 1 }),
    ).rejects.toMatchObject({ kind: 'not_found', code: 'applicant_not_found' });
  });

  it('decides and publishes once: a second delivery decides nothing, even if it would differ', async () => {
    const { commands, published, records } = inMemory();
    await commands.registerApplicant({ username: 'acme', password: 'secret-enough', name: 'Acme' });
    await commands.setCreditLine({ applicantId: APPLICANT, creditLineCents: 100_00 });
    const application = { lcApplicationId: LC, applicantId: APPLICANT, amountCents: 100_00, currency: 'USD' };
    await commands.checkCredit(application);
    const first = { lcApplicationId: LC, applicantId: APPLICANT, decision: { approved: true, remarks: '' } };
    expect(published).toEqual([first]);

    await commands.setCreditLine({ applicantId: APPLICANT, creditLineCents: 0 });
    await commands.checkCredit(application);
    expect(published).toEqual([first]);
    expect(records.get(LC)).toEqual(first);
  });
});

describe('the rules from the environment', () => {
  it('are 80% when nothing is set, and the percentage given otherwise', () => {
    expect(creditRulesFrom({})).toEqual({ creditLinePercent: 80 });
    expect(creditRulesFrom({ ONBOARDING_CREDIT_LINE_PERCENT: '' })).toEqual({ creditLinePercent: 80 });
    expect(creditRulesFrom({ ONBOARDING_CREDIT_LINE_PERCENT: '95' })).toEqual({ creditLinePercent: 95 });
  });

  it('refuse a percentage that is not a whole number from 0 to 1000, naming the variable', () => {
    for (const value of ['80.5', '-1', 'most', '1001']) {
      expect(() => creditRulesFrom({ ONBOARDING_CREDIT_LINE_PERCENT: value })).toThrow(ConfigError);
      expect(() => creditRulesFrom({ ONBOARDING_CREDIT_LINE_PERCENT: value })).toThrow(
        /ONBOARDING_CREDIT_LINE_PERCENT/,
      );
    }
  });
});
