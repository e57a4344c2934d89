import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONBOARDING_LC_APPLICATIONS_GROUP } from '../../src/onboarding/adapters/messaging/lc-applications-events.js';
import { deadLetteredWithNothingWaiting, lcApplicationEnvelope, submitted } from '../support/partners.js';
import { CREDIT_ANALYST, HOST_START_MS, type OnboardingHost, startOnboardingHost } from './support.js';

const CREDIT_VALIDATED = 'onboarding.ApplicantCreditValidated';

describe.each(testSetups)(
  'Customer Onboarding checks credit on submitted applications through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: OnboardingHost;
    let applicantId: string;
    beforeAll(async () => {
      api = await startOnboardingHost(backend, broker);
      applicantId = await api.register();
      await api.setCreditLine(applicantId, 80_000);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    /** Submits an application and answers the decision published for it (waiting for it). */
    const decide = async (data: Parameters<typeof submitted>[0]) => {
      const message = submitted(data);
      await api.host.broker.publish([message]);
      const [decision] = await api.decisions.keyed(message.data.lcApplicationId, 1);
      return { message, decision: decision! };
    };

    it('approves a credit line greater than 80% of the amount, publishing once, keyed by the application', async () => {
      const { message, decision } = await decide({ applicantId, amountCents: 99_999_99 });
      const { lcApplicationId } = message.data;
      expect(decision).toMatchObject({
        type: CREDIT_VALIDATED,
        source: 'onboarding',
        key: lcApplicationId,
        correlationId: message.correlationId,
        causationId: message.id,
        data: { lcApplicationId, applicantId, decision: { approved: true, remarks: '' } },
      });
      const check = await api
        .as(CREDIT_ANALYST)
        .call('GET', `/api/onboarding/credit-checks/${lcApplicationId}`);
      expect(check.json()).toEqual({
        lcApplicationId,
        applicantId,
        decision: { approved: true, remarks: '' },
        decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('rejects exactly 80%, an applicant with no credit line, and one who is not a customer, with remarks', async () => {
      const noCreditLine = await api.register();
      const cases = [
        [
          { applicantId, amountCents: 100_000_00 },
          'the credit line USD 80,000.00 is not greater than 80% of the LC amount USD 100,000.00',
        ],
        [{ applicantId: noCreditLine }, 'the applicant has no credit line yet'],
        [{ applicantId: 'someone-else' }, 'the applicant is not a customer of the bank'],
        [{ applicantId: randomUUID() }, 'the applicant is not a customer of the bank'],
      ] as const;
      for (const [data, remarks] of cases) {
        const { decision } = await decide(data);
        expect(decision.data).toMatchObject({
          applicantId: data.applicantId,
          decision: { approved: false, remarks },
        });
      }
    });

    it('decides once: the same message again, or republished under another id, publishes nothing more', async () => {
      const importer = await api.register();
      await api.setCreditLine(importer, 1_000);
      const { message, decision } = await decide({ applicantId: importer, amountCents: 1_000_00 });
      const { lcApplicationId } = message.data;
      // The analysts withdraw the credit line: a second decision would now differ from the first.
      await api.setCreditLine(importer, 0);
      const again = { ...message, id: randomUUID() };
      await api.host.broker.publish([message, again]);
      // Same key, so the republication is handled after the duplicate has been dropped or handled.
      await api.handled.until((handled) => handled.some((one) => one.id === again.id));
      const check = await api
        .as(CREDIT_ANALYST)
        .call('GET', `/api/onboarding/credit-checks/${lcApplicationId}`);
      expect(check.json()).toMatchObject({ applicantId: importer, decision: { approved: true } });
      expect(api.decisions.items.filter((one) => one.key === lcApplicationId)).toEqual([decision]);
      expect(await api.host.broker.deadLetters.list(ONBOARDING_LC_APPLICATIONS_GROUP)).toEqual([]);
    });

    it('dead-letters a submission off its contract at once, and reads nothing else of the channel', async () => {
      const lcApplicationId = randomUUID();
      const bad = submitted({ lcApplicationId, applicantId, currency: 'dollars' });
      const other = lcApplicationEnvelope('lcapplications.LCApplicationCanceled', {
        lcApplicationId,
        applicantId,
        canceledBy: 'applicant',
      });
      await api.host.broker.publish([bad, other]);
      await deadLetteredWithNothingWaiting(api.host.broker, ONBOARDING_LC_APPLICATIONS_GROUP, bad);
      expect(api.handled.items.some((one) => one.id === other.id)).toBe(false);
      const letters = await api.host.broker.deadLetters.list(ONBOARDING_LC_APPLICATIONS_GROUP);
      expect(letters.find((letter) => letter.messageId === bad.id)?.reason).toMatch(/currency/);
      const check = await api
        .as(CREDIT_ANALYST)
        .call('GET', `/api/onboarding/credit-checks/${lcApplicationId}`);
      expect(check.statusCode).toBe(404);
      expect(api.decisions.items.some((one) => one.key === lcApplicationId)).toBe(false);
    });
  },
);
