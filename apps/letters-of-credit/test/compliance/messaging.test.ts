import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLIANCE_LC_APPLICATIONS_GROUP } from '../../src/compliance/adapters/messaging/lc-applications-events.js';
import { deadLetteredWithNothingWaiting, lcApplicationEnvelope, submitted } from '../support/partners.js';
import { type ComplianceHost, HOST_START_MS, PRODUCT_ANALYST, startComplianceHost } from './support.js';

const COTTON = randomUUID();
const OPIUM = randomUUID();
const VALUE = 'compliance.ProductValueValidated';
const LEGALITY = 'compliance.ProductLegalityValidated';

describe.each(testSetups)(
  'Compliance decides on submitted applications through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: ComplianceHost;
    beforeAll(async () => {
      api = await startComplianceHost(backend, broker);
      await api.registerProduct(COTTON, { name: 'Cotton bales', category: 'textiles', referencePrice: 250 });
      await api.registerProduct(OPIUM, { name: 'Opium', category: 'narcotics' });
    }, HOST_START_MS);
    afterAll(() => api?.close());

    const productChecks = async (lcApplicationId: string) => {
      const response = await api
        .as(PRODUCT_ANALYST)
        .call('GET', `/api/compliance/product-checks/${lcApplicationId}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };

    it('publishes value and legality once each, keyed by the application, in its conversation', async () => {
      const message = submitted({
        amountCents: 10_500_00,
        merchandise: { items: [{ productId: COTTON, quantity: 40 }] },
      });
      const { lcApplicationId } = message.data;
      await api.host.broker.publish([message]);
      const decisions = await api.decisions.keyed(lcApplicationId, 2);
      const approved = { lcApplicationId, decision: { approved: true, remarks: '' } };
      expect(decisions.map(({ type, data }) => ({ type, data }))).toEqual([
        { type: VALUE, data: approved },
        { type: LEGALITY, data: approved },
      ]);
      for (const decision of decisions) {
        expect(decision).toMatchObject({
          source: 'compliance',
          key: lcApplicationId,
          correlationId: message.correlationId,
          causationId: message.id,
        });
      }
      expect(await productChecks(lcApplicationId)).toEqual({
        lcApplicationId,
        value: approved.decision,
        legality: approved.decision,
        decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    });

    it('rejects with remarks: drugs, another currency, an unregistered product', async () => {
      const unregistered = randomUUID();
      const message = submitted({
        currency: 'EUR',
        merchandise: {
          items: [
            { productId: OPIUM, quantity: 1 },
            { productId: unregistered, quantity: 2 },
          ],
        },
      });
      const { lcApplicationId } = message.data;
      await api.host.broker.publish([message]);
      const decisions = await api.decisions.keyed(lcApplicationId, 2);
      expect(decisions.map(({ type, data }) => ({ type, data }))).toEqual([
        {
          type: VALUE,
          data: {
            lcApplicationId,
            decision: { approved: false, remarks: 'LCs are issued only in USD, not EUR' },
          },
        },
        {
          type: LEGALITY,
          data: {
            lcApplicationId,
            decision: {
              approved: false,
              remarks: `Opium is narcotics, whose import is prohibited; not in the product register: ${unregistered}`,
            },
          },
        },
      ]);
    });

    it('decides once: the same message again, or republished under another id, publishes nothing more', async () => {
      const product = randomUUID();
      await api.registerProduct(product, { name: 'Poppy seeds', category: 'food' });
      const message = submitted({ merchandise: { items: [{ productId: product, quantity: 1 }] } });
      const { lcApplicationId } = message.data;
      await api.host.broker.publish([message]);
      const first = await api.decisions.keyed(lcApplicationId, 2);

      // The analysts change their mind: a second decision would now differ from the first.
      await api.registerProduct(product, { name: 'Poppy seeds', category: 'narcotics' });
      const again = { ...message, id: randomUUID() };
      await api.host.broker.publish([message, again]);
      // Same key, so the republication is handled after the duplicate has been dropped or handled.
      await api.handled.until((handled) => handled.some((one) => one.id === again.id));

      expect(await productChecks(lcApplicationId)).toMatchObject({
        legality: { approved: true, remarks: '' },
      });
      expect(api.decisions.items.filter((decision) => decision.key === lcApplicationId)).toEqual(first);
      expect(await api.host.broker.deadLetters.list(COMPLIANCE_LC_APPLICATIONS_GROUP)).toEqual([]);
    });

    it('dead-letters a submission off its contract at once, and reads nothing else of the channel', async () => {
      const lcApplicationId = randomUUID();
      const bad = submitted({ lcApplicationId, amountCents: -1 });
      const other = lcApplicationEnvelope('lcapplications.LCApplicationDeclined', {
        lcApplicationId,
        applicantId: randomUUID(),
      });
      await api.host.broker.publish([bad, other]);
      await deadLetteredWithNothingWaiting(api.host.broker, COMPLIANCE_LC_APPLICATIONS_GROUP, bad);
      expect(api.handled.items.some((one) => one.id === other.id)).toBe(false);
      const letters = await api.host.broker.deadLetters.list(COMPLIANCE_LC_APPLICATIONS_GROUP);
      expect(letters.find((letter) => letter.messageId === bad.id)?.reason).toMatch(/amountCents/);
      const checks = await api
        .as(PRODUCT_ANALYST)
        .call('GET', `/api/compliance/product-checks/${lcApplicationId}`);
      expect(checks.statusCode).toBe(404);
      expect(api.decisions.items.some((decision) => decision.key === lcApplicationId)).toBe(false);
    });
  },
);
