import type { Envelope } from '@tessera/platform/messaging';
import {
  type MessageRecorder,
  recordMessages,
  signals,
  startTestHost,
  type TestHost,
  testSetups,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LC_CHANNEL } from '../../../src/issuance/contract/integration-events.js';
import { createIssuanceModule } from '../../../src/issuance/module.js';
import { createLCApplicationsModule } from '../../../src/lc-applications/module.js';
import { createSanctionsModule } from '../../../src/sanctions/module.js';
import type { IssuedLCDto } from '../support/host.js';

const applicant = { subject: 'importer-1', roles: ['applicant'] };
const tradeFinance = { subject: 'manager-1', roles: ['trade-finance-manager'] };

// The application's modules together: a manager's approval in LC Application Processing issues the LC in LC
// Issuance, through the broker, with the terms as they were approved.
describe.each(testSetups)(
  'an approved application is issued its LC, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: TestHost;
    let issued: MessageRecorder;
    const approvals = signals<Envelope>();
    beforeAll(async () => {
      api = await startTestHost(
        backend,
        [
          createSanctionsModule({ sanctioned: ['XS'] }),
          createLCApplicationsModule(),
          createIssuanceModule({ onApprovalHandled: (message) => approvals.push(message) }),
        ],
        { broker },
      );
      issued = await recordMessages(api.host.broker, [LC_CHANNEL]);
    });
    afterAll(async () => {
      await issued?.stop();
      await api?.close();
    });

    it('issues one LC, with its number and the approved terms, which the applicant may read', async () => {
      const as = api.as(applicant);
      const started = await as.call('POST', '/api/lc-applications/start-new', {
        clientReference: 'Winter cocoa',
      });
      expect(started.statusCode, started.body).toBe(201);
      const id = started.json<{ id: string }>().id;
      const change = async (task: string, body: unknown) => {
        const response = await as.call('POST', `/api/lc-applications/${id}/${task}`, body);
        expect(response.statusCode, `${task}: ${response.body}`).toBe(204);
      };
      await change('change-amount', { amount: 25_000.5, currency: 'USD' });
      await change('change-merchandise', {
        items: [{ productId: '5b1f8f4e-7a0c-4a53-9a8e-0c8d2f3b4a51', quantity: 12 }],
      });
      await change('change-documents', { documents: ['Bill of lading'] });
      const submitted = async () => (await as.call('POST', `/api/lc-applications/${id}/submit`)).statusCode;
      expect(await submitted()).toBe(204);
      const approved = await api.as(tradeFinance).call('POST', `/api/lc-applications/${id}/approve`);
      expect(approved.statusCode, approved.body).toBe(204);

      await approvals.until((handled) =>
        handled.some(
          (message) =>
            message.type === 'lcapplications.LCApplicationApproved' &&
            (message.data as { lcApplicationId: string }).lcApplicationId === id,
        ),
      );
      const response = await as.call('GET', `/api/issuance/lc-applications/${id}/lc`);
      expect(response.statusCode, response.body).toBe(200);
      const lc = response.json<{ lc: IssuedLCDto }>().lc;
      expect(lc).toMatchObject({
        lcApplicationId: id,
        applicantId: 'importer-1',
        clientReference: 'Winter cocoa',
        amount: { amount: 25_000.5, currency: 'USD' },
        documents: ['Bill of lading'],
      });
      expect(lc.lcNumber).toMatch(/^KPB-LC-\d{4}-000001$/);
      const message = await issued.waitFor((one) => one.key === lc.id);
      expect(message.data).toMatchObject({
        lcNumber: lc.lcNumber,
        lcApplicationId: id,
        amountCents: 2_500_050,
      });
      const listed = await api.as(applicant).call('GET', '/api/issuance/lcs');
      expect(listed.json<{ lcs: IssuedLCDto[] }>().lcs.map((one) => one.id)).toEqual([lc.id]);
    });
  },
);
