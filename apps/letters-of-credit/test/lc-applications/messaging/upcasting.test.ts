import { readFileSync } from 'node:fs';
import { type Envelope, newEnvelope, onMessages } from '@tessera/platform/messaging';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LC_APPLICATION_CHANNEL,
  lcApplicationMessages,
  lcApplicationMessageVersions,
} from '../../../src/lc-applications/contract/integration-events.js';
import { HOST_START_MS, type LCHost, readyDraft, startLCHost, wakandaExporter } from '../../support/host.js';

const stored = JSON.parse(
  readFileSync(new URL('../fixtures/beneficiary-information-changed.json', import.meta.url), 'utf8'),
) as {
  v1: Record<string, unknown>;
  v2: Record<string, unknown>;
};

describe.each(testDatabases)(
  'Events and messages of older versions are read as the current one, on $backend',
  (backend) => {
    let api: LCHost;
    beforeAll(async () => {
      api = await startLCHost(backend);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    /** Rewrites the application's last BeneficiaryInformationChanged as an older version stored it. */
    const storeAs = async (id: string, version: number, data: unknown) => {
      const { rowCount } = await api.db.query(
        `UPDATE lc_applications.events SET schema_version = $2, data = $3::json
        WHERE position = (SELECT max(position) FROM lc_applications.events
                           WHERE stream_name LIKE '%' || $1 AND event_type = 'lc.BeneficiaryInformationChanged')`,
        [id, version, JSON.stringify(data)],
      );
      expect(rowCount).toBe(1);
      await api.db.query(`DELETE FROM lc_applications.snapshots WHERE stream_name LIKE '%' || $1`, [id]);
    };
    const beneficiaryOf = async (id: string) =>
      (await api.manager.call('GET', `/api/lc-applications/${id}`)).json<{ beneficiary: unknown }>()
        .beneficiary;

    it('reads a stored version 1 beneficiary (one line of address) as version 3', async () => {
      const id = await readyDraft(api.applicant());
      await storeAs(id, 1, stored.v1);
      expect(await beneficiaryOf(id)).toEqual({
        name: 'Wakanda Vibranium Exports',
        address: { lines: ['1 Palace Road', 'Golden City'], city: 'Birnin Zana', country: 'XW' },
      });
    });

    it('reads a stored version 2 beneficiary with its detailed address, dropping the line of text', async () => {
      const id = await readyDraft(api.applicant());
      await storeAs(id, 2, stored.v2);
      expect(await beneficiaryOf(id)).toEqual({
        name: 'Wakanda Vibranium Exports',
        address: stored.v2.detailedAddress,
      });
    });

    it('keeps working on an application whose history holds older versions: it is submitted as usual', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      await storeAs(id, 1, stored.v1);
      expect((await applicant.call('POST', `/api/lc-applications/${id}/submit`)).statusCode).toBe(204);
      const submitted = await api.published.next('lcapplications.LCApplicationSubmitted', id);
      expect(submitted.data).toMatchObject({ beneficiaryCountry: 'XW' });
    });

    it('publishes approvals at version 2, and a consumer of version 2 reads approvals still published at version 1', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      await applicant.call('POST', `/api/lc-applications/${id}/submit`);
      await api.manager.call('POST', `/api/lc-applications/${id}/approve`);
      const approved = await api.published.next('lcapplications.LCApplicationApproved', id);
      expect(approved.schemaVersion).toBe(2);
      expect(approved.data).toMatchObject({ terms: { beneficiary: wakandaExporter } });

      const read: unknown[] = [];
      const consumer = onMessages(
        lcApplicationMessages,
        { 'lcapplications.LCApplicationApproved': async (data) => void read.push(data.terms.beneficiary) },
        { versions: lcApplicationMessageVersions },
      );
      const v1: Envelope = newEnvelope('lc-applications', {
        type: 'lcapplications.LCApplicationApproved',
        subject: LC_APPLICATION_CHANNEL,
        key: id,
        schemaVersion: 1,
        data: {
          ...(approved.data as object),
          terms: { ...(approved.data as { terms: object }).terms, beneficiary: stored.v1 },
        },
      });
      await consumer(v1);
      await consumer(approved);
      expect(read).toEqual([
        {
          name: 'Wakanda Vibranium Exports',
          address: { lines: ['1 Palace Road', 'Golden City'], city: 'Birnin Zana', country: 'XW' },
        },
        wakandaExporter,
      ]);
    });
  },
);
