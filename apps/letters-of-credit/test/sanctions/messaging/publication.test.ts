import { newEnvelope } from '@tessera/platform/messaging';
import { expectProblem, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANCTIONS_LIST_KEY,
  SANCTIONS_REQUESTS_CHANNEL,
} from '../../../src/sanctions/contract/integration-events.js';
import { officer, type SanctionsHost, startSanctionsHost } from '../support/host.js';

const versionOf = (data: unknown) => (data as { version: number }).version;

describe.each(testSetups)(
  'the sanctions list reaches LC Application Processing, through the $broker broker on $backend.backend',
  ({ backend, broker }) => {
    describe('when Sanctions starts first (the copy asks for the list it missed)', () => {
      let api: SanctionsHost;
      beforeAll(async () => {
        api = await startSanctionsHost(backend, { broker, sanctioned: ['XS', 'KP'] });
      });
      afterAll(() => api?.close());

      it("fills the copy with the first list, and answers the copy's request at the list's version", async () => {
        expect(await api.copyAt(1)).toEqual({ countries: ['KP', 'XS'], version: 1 });
        await api.requests.until((handled) => handled.length === 1);
        expect(api.requests.items[0]!.data).toEqual({ requestedBy: 'lc-applications' });
        expect(await api.list()).toEqual({
          countries: ['KP', 'XS'],
          version: 1,
          changedAt: '2026-02-03T10:00:00.000Z',
        });
      });

      it('publishes the new whole list at each change, once, and the copy follows', async () => {
        const before = (await api.list()).version;
        api.clock.advance(60_000);
        expect((await api.as(officer).call('PUT', '/api/sanctions/countries/XW')).statusCode).toBe(204);
        // Sanctioned again, and a lift refused: nothing changes, nothing is published.
        expect((await api.as(officer).call('PUT', '/api/sanctions/countries/xw')).statusCode).toBe(204);
        expectProblem(await api.as(officer).call('DELETE', '/api/sanctions/countries/IR'), 404, {
          code: 'country_not_sanctioned',
        });
        api.clock.advance(60_000);
        expect((await api.as(officer).call('DELETE', '/api/sanctions/countries/KP')).statusCode).toBe(204);

        expect(await api.copyAt(before + 2)).toEqual({ countries: ['XS', 'XW'], version: before + 2 });
        await api.published.waitFor((message) => versionOf(message.data) === before + 2);
        const changes = api.published.messages.filter((message) => versionOf(message.data) > before);
        expect(changes.map((message) => [message.type, message.key, message.data])).toEqual([
          [
            'sanctions.SanctionsListChanged',
            SANCTIONS_LIST_KEY,
            { countries: ['KP', 'XS', 'XW'], version: before + 1, changedAt: '2026-02-03T10:01:00.000Z' },
          ],
          [
            'sanctions.SanctionsListChanged',
            SANCTIONS_LIST_KEY,
            { countries: ['XS', 'XW'], version: before + 2, changedAt: '2026-02-03T10:02:00.000Z' },
          ],
        ]);
        expect(await api.list()).toMatchObject({ countries: ['XS', 'XW'], version: before + 2 });
      });

      it('answers a request with the list as it is now, and a redelivered request with nothing more', async () => {
        const current = await api.list();
        const request = newEnvelope('tests', {
          type: 'sanctions.PublishSanctionsList',
          subject: SANCTIONS_REQUESTS_CHANNEL,
          key: SANCTIONS_LIST_KEY,
          data: { requestedBy: 'tests' },
        });
        const seen = api.published.messages.length;
        await api.host.broker.publish([request]);
        await api.host.broker.publish([request]);
        const again = newEnvelope('tests', {
          type: 'sanctions.PublishSanctionsList',
          subject: SANCTIONS_REQUESTS_CHANNEL,
          key: SANCTIONS_LIST_KEY,
          data: { requestedBy: 'tests-again' },
        });
        await api.host.broker.publish([again]);
        await api.requests.until((handled) => handled.some((message) => message.id === again.id));
        await api.published.waitFor((message) => message.causationId === again.id);
        const answers = api.published.messages.slice(seen);
        expect(answers.map((message) => message.causationId)).toEqual([request.id, again.id]);
        for (const answer of answers) {
          expect(answer.data).toEqual(current);
        }
      });

      it("keeps LC Application Processing's rule on the list as it is now", async () => {
        const applicant = api.as({ subject: 'importer-1', roles: ['applicant'] });
        const started = await applicant.call('POST', '/api/lc-applications/start-new', {
          clientReference: 'Vibranium',
        });
        expect(started.statusCode, started.body).toBe(201);
        const id = started.json<{ id: string }>().id;
        const beneficiary = (country: string) =>
          applicant.call('POST', `/api/lc-applications/${id}/change-beneficiary`, {
            name: 'Exporter',
            address: { lines: ['1 Main St'], city: 'Capital', country },
          });
        expectProblem(await beneficiary('XW'), 409, { code: 'cannot_trade_with_sanctioned_country' });
        const { version } = await api.list();
        await api.as(officer).call('DELETE', '/api/sanctions/countries/XW');
        await api.copyAt(version + 1);
        await api.as(officer).call('PUT', '/api/sanctions/countries/IR');
        await api.copyAt(version + 2);
        expect((await beneficiary('XW')).statusCode).toBe(204);
        expectProblem(await beneficiary('IR'), 409, { code: 'cannot_trade_with_sanctioned_country' });
      });
    });

    describe('when the copy starts first (it hears the first publication)', () => {
      let api: SanctionsHost;
      beforeAll(async () => {
        api = await startSanctionsHost(backend, { broker, order: 'copy-first' });
      });
      afterAll(() => api?.close());

      it('fills the copy with the first list', async () => {
        expect(await api.copyAt(1)).toEqual({ countries: ['XS'], version: 1 });
        const first = api.copied.items.find((message) => versionOf(message.data) === 1)!;
        // The first publication itself, not an answer to a request (none could be heard: Sanctions had no group).
        expect(first.causationId).toBeUndefined();
      });
    });
  },
);
