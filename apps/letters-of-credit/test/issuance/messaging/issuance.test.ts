import { randomUUID } from 'node:crypto';
import { newEnvelope } from '@tessera/platform/messaging';
import { eventually, expectProblem, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUANCE_LC_APPLICATIONS_GROUP } from '../../../src/issuance/adapters/messaging/lc-applications-events.js';
import { LC_APPLICATION_CHANNEL } from '../../../src/lc-applications/contract/integration-events.js';
import { nothingWaitingFor } from '../../support/partners.js';
import { approval, type IssuanceHost, startIssuanceHost, terms } from '../support/host.js';

const NUMBER = /^KPB-LC-(\d{4})-(\d{6,})$/;
const sequenceOf = (lcNumber: string) => Number(NUMBER.exec(lcNumber)?.[2]);

describe.each(testSetups)(
  'LC Issuance issues an LC per approved application, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    let api: IssuanceHost;
    beforeAll(async () => {
      api = await startIssuanceHost(backend, broker);
    });
    afterAll(() => api?.close());

    const lcsOfApplication = async (lcApplicationId: string) =>
      (
        await api.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM lc_issuance.lcs WHERE lc_application_id = $1',
          [lcApplicationId],
        )
      ).rows[0]!.n;
    const lastSequence = async (year: number) =>
      (
        await api.db.query<{ last_sequence: number }>(
          'SELECT last_sequence FROM lc_issuance.lc_numbers WHERE year = $1',
          [year],
        )
      ).rows[0]?.last_sequence;

    it('issues an approval still published at version 1 (a one-line beneficiary address) with the address in our model', async () => {
      const lcApplicationId = randomUUID();
      const v2 = approval(lcApplicationId, 'importer-1');
      const v1 = {
        ...v2,
        schemaVersion: 1,
        data: {
          ...v2.data,
          terms: {
            ...terms(),
            beneficiary: { name: 'Wakanda Cocoa', address: '1 Market St, Birnin Zana', country: 'XW' },
          },
        },
      };
      await api.deliver(v1);
      const stored = await api.db.query<{ terms: { beneficiary: unknown } }>(
        'SELECT terms FROM lc_issuance.lcs WHERE lc_application_id = $1',
        [lcApplicationId],
      );
      expect(stored.rows[0]?.terms.beneficiary).toEqual({
        name: 'Wakanda Cocoa',
        address: { lines: ['1 Market St'], city: 'Birnin Zana', country: 'XW' },
      });
    });

    it('issues the LC with its own number and the terms as approved, and publishes LCIssued once', async () => {
      const lcApplicationId = randomUUID();
      await api.deliver(approval(lcApplicationId, 'importer-1', terms({ clientReference: 'Spring cocoa' })));
      const lc = await api.lcOf(lcApplicationId);
      expect(lc).toMatchObject({
        lcApplicationId,
        applicantId: 'importer-1',
        clientReference: 'Spring cocoa',
        amount: { amount: 9500, currency: 'USD' },
        documents: ['Bill of lading', 'Certificate of origin'],
        expiryDate: '2026-12-31',
        issuedAt: api.clock.now().toISOString(),
      });
      expect(lc.lcNumber).toMatch(/^KPB-LC-2026-\d{6}$/);
      const issued = await api.published.waitFor((message) => message.key === lc.id);
      expect(issued).toMatchObject({ type: 'issuance.LCIssued', source: 'issuance' });
      expect(issued.data).toEqual({
        lcId: lc.id,
        lcNumber: lc.lcNumber,
        lcApplicationId,
        applicantId: 'importer-1',
        clientReference: 'Spring cocoa',
        amountCents: 950_000,
        currency: 'USD',
        expiryDate: '2026-12-31',
        issuedAt: lc.issuedAt,
      });
    });

    it('issues nothing more for an approval delivered again, or approved again under another id, and takes no number', async () => {
      const lcApplicationId = randomUUID();
      const first = approval(lcApplicationId, 'importer-2');
      await api.deliver(first);
      const lc = await api.lcOf(lcApplicationId);
      const taken = await lastSequence(2026);

      await api.host.broker.publish([first]); // the same message again: the inbox drops it
      // The same approval under other ids (keyed alike, so handled after the redelivery).
      await api.deliver(approval(lcApplicationId, 'importer-2'), approval(lcApplicationId, 'importer-2'));

      expect(await lcsOfApplication(lcApplicationId)).toBe(1);
      expect(await api.lcOf(lcApplicationId)).toEqual(lc);
      expect(await lastSequence(2026)).toBe(taken);
      const { rows } = await api.db.query<{ version: number }>(
        'SELECT version FROM lc_issuance.lcs WHERE id = $1',
        [lc.id],
      );
      expect(rows).toEqual([{ version: 1 }]);
      // Another application's LC is published after these; this LC's message is still the only one.
      const later = await api.issueFor('importer-2');
      await api.published.waitFor((message) => message.key === later.id);
      expect(api.published.messages.filter((message) => message.key === lc.id)).toHaveLength(1);
    });

    it('gives unique numbers, one after the other in the year, to applications approved at once', async () => {
      const before = (await lastSequence(2026)) ?? 0;
      const ids = Array.from({ length: 24 }, () => randomUUID());
      await api.deliver(...ids.map((id, n) => approval(id, `importer-${n % 3}`)));
      const numbers = await Promise.all(ids.map(async (id) => (await api.lcOf(id)).lcNumber));
      expect(new Set(numbers).size).toBe(ids.length);
      expect(numbers.map(sequenceOf).sort((a, b) => a - b)).toEqual(
        Array.from({ length: ids.length }, (_, n) => before + n + 1),
      );
      expect(await lastSequence(2026)).toBe(before + ids.length);
    });

    it('starts the numbers again in a new year (of issue, in UTC)', async () => {
      api.clock.set(new Date('2026-12-31T23:59:59.990Z'));
      const lastOf2026 = await api.issueFor('importer-3');
      expect(lastOf2026.lcNumber).toMatch(/^KPB-LC-2026-/);
      api.clock.set(new Date('2027-01-01T00:00:00.000Z'));
      const first = await api.issueFor('importer-3');
      const second = await api.issueFor('importer-3');
      expect([first.lcNumber, second.lcNumber]).toEqual(['KPB-LC-2027-000001', 'KPB-LC-2027-000002']);
      expect(first.issuedAt).toBe('2027-01-01T00:00:00.001Z');
    });

    it('issues nothing for the other messages of LC applications', async () => {
      const declinedId = randomUUID();
      const canceledId = randomUUID();
      const others = [
        newEnvelope('lc-applications', {
          type: 'lcapplications.LCApplicationDeclined',
          subject: LC_APPLICATION_CHANNEL,
          key: declinedId,
          data: { lcApplicationId: declinedId, applicantId: 'importer-4' },
        }),
        newEnvelope('lc-applications', {
          type: 'lcapplications.LCApplicationCanceled',
          subject: LC_APPLICATION_CHANNEL,
          key: canceledId,
          data: { lcApplicationId: canceledId, applicantId: 'importer-4', canceledBy: 'applicant' },
        }),
      ];
      // An approval published after them, in the same batch: on NATS the relay publishes the batch in order and
      // the group reads its stream in order, so once this one is issued and nothing waits for the group, the
      // others have been read and dropped (waiting for the lag alone could pass before the relay published).
      const laterId = randomUUID();
      await api.host.broker.publish([...others, approval(laterId, 'importer-4')]);
      await eventually(
        'the later approval issued',
        () => api.call('GET', `/api/issuance/lc-applications/${laterId}/lc`),
        (response) => response.statusCode === 200,
      );
      // Issuance handles approvals only (ADR 0058): the others never reach its handler, nothing of it waits.
      await nothingWaitingFor(api.host.broker, ISSUANCE_LC_APPLICATIONS_GROUP);
      for (const id of [declinedId, canceledId]) {
        expect(await lcsOfApplication(id)).toBe(0);
        expectProblem(await api.call('GET', `/api/issuance/lc-applications/${id}/lc`), 404, {
          code: 'lc_not_found',
        });
      }
    });
  },
);
