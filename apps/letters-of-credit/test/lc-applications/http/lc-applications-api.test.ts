import { expectProblem, testDatabases, unknownId } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LC_MEDIA_TYPE } from '../../../src/lc-applications/adapters/http/schemas.js';
import {
  HOST_START_MS,
  type LCHost,
  readyDraft,
  startLCHost,
  submitted,
  wakandaExporter,
} from '../../support/host.js';

interface ApplicationDto {
  id: string;
  applicantId: string;
  status: string;
  applicant?: { address: { lines: string[]; postalCode?: string; region?: string } };
  amount?: { amount: number; currency: string };
  _links: Record<string, { href: string }>;
  _templates: Record<string, { method: string; target: string }>;
}

describe.each(testDatabases)('LC applications API, on $backend', (backend) => {
  let api: LCHost;
  beforeAll(async () => {
    api = await startLCHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const path = (id: string, task?: string) => `/api/lc-applications/${id}${task ? `/${task}` : ''}`;

  describe('starting', () => {
    it("starts the applicant's own draft, answering its id and where it is", async () => {
      const applicant = api.applicant();
      const started = await applicant.call('POST', '/api/lc-applications/start-new', {
        clientReference: 'Test LC',
      });
      expect(started.statusCode, started.body).toBe(201);
      const { id } = started.json<{ id: string }>();
      expect(started.headers.location).toBe(path(id));
      const read = (await applicant.call('GET', path(id))).json<ApplicationDto>();
      expect(read).toMatchObject({
        id,
        applicantId: applicant.subject,
        status: 'draft',
        clientReference: 'Test LC',
      });
    });

    it('refuses a client reference shorter than 4 characters, naming the field', async () => {
      const answer = await api
        .applicant()
        .call('POST', '/api/lc-applications/start-new', { clientReference: ' abc ' });
      expectProblem(answer, 400, { code: 'client_reference_too_short', field: 'body.clientReference' });
    });

    it('takes a client-generated id: the same start again is the same draft, another start under it is refused', async () => {
      const applicant = api.applicant();
      const lcApplicationId = crypto.randomUUID();
      const body = { lcApplicationId, clientReference: 'Retried LC' };
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await applicant.call('POST', '/api/lc-applications/start-new', body);
        expect(answer.statusCode, answer.body).toBe(201);
        expect(answer.json()).toEqual({ id: lcApplicationId });
      }
      const other = await applicant.call('POST', '/api/lc-applications/start-new', {
        ...body,
        clientReference: 'Other',
      });
      expectProblem(other, 409, { code: 'lc_application_exists' });
    });

    it("accepts the book's applicant-id spelling, and refuses an applicant starting someone else's", async () => {
      const applicant = api.applicant();
      const own = await applicant.call('POST', '/api/lc-applications/start-new', {
        'applicant-id': applicant.subject,
        clientReference: 'Test LC',
      });
      expect(own.statusCode, own.body).toBe(201);
      const theirs = await applicant.call('POST', '/api/lc-applications/start-new', {
        applicantId: 'someone-else',
        clientReference: 'Test LC',
      });
      expectProblem(theirs, 403, { code: 'not_yours' });
    });

    it('makes an operator say whose application it starts', async () => {
      const answer = await api.call('POST', '/api/lc-applications/start-new', {
        clientReference: 'For whom?',
      });
      expectProblem(answer, 400, { code: 'applicant_id_missing', field: 'body.applicantId' });
    });
  });

  describe('the published language is versioned by media type', () => {
    it(`accepts ${LC_MEDIA_TYPE} and plain JSON, and refuses another version with a 415 naming the one served`, async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      const body = JSON.stringify({ amount: 2500.5, currency: 'USD' });
      expect((await applicant.raw('POST', path(id, 'change-amount'), body, LC_MEDIA_TYPE)).statusCode).toBe(
        204,
      );
      const charset = await applicant.raw(
        'POST',
        path(id, 'change-amount'),
        body,
        `${LC_MEDIA_TYPE}; charset=utf-8`,
      );
      expect(charset.statusCode, charset.body).toBe(204);
      const v1 = await applicant.raw(
        'POST',
        path(id, 'change-amount'),
        body,
        'application/vnd.lc-application.v1+json',
      );
      expectProblem(v1, 415, { code: 'unsupported_media_type_version', field: 'headers.content-type' });
      expect((await applicant.raw('POST', path(id, 'change-amount'), body, 'text/plain')).statusCode).toBe(
        415,
      );
      expect((await applicant.call('GET', path(id))).json<ApplicationDto>().amount).toEqual({
        amount: 2500.5,
        currency: 'USD',
      });
    });

    it('answers an application as HAL-FORMS', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      const answer = await applicant.call('GET', path(id));
      expect(answer.headers['content-type']).toMatch(/^application\/prs\.hal-forms\+json/);
    });
  });

  describe('hypermedia: each application links the tasks it allows now, to this caller', () => {
    it('offers an applicant the changes and submit of a ready draft, and the manager nothing to do on it', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      const mine = (await applicant.call('GET', path(id))).json<ApplicationDto>();
      expect(Object.keys(mine._links)).toEqual([
        'self',
        'change-applicant',
        'change-beneficiary',
        'change-advising-bank',
        'change-amount',
        'change-merchandise',
        'change-documents',
        'change-conditions',
        'change-expiry-date',
        'submit',
        'cancel',
      ]);
      expect(mine._templates.submit).toEqual({
        method: 'POST',
        target: path(id, 'submit'),
        title: 'Submit for the checks and a decision',
      });
      const desk = (await api.manager.call('GET', path(id))).json<ApplicationDto>();
      expect(Object.keys(desk._links)).toEqual(['self']);
    });

    it('offers no submit before the draft has an amount and merchandise', async () => {
      const applicant = api.applicant();
      const { id } = (
        await applicant.call('POST', '/api/lc-applications/start-new', { clientReference: 'Empty LC' })
      ).json<{ id: string }>();
      expect((await applicant.call('GET', path(id))).json<ApplicationDto>()._links).not.toHaveProperty(
        'submit',
      );
    });

    it('offers the manager approve, decline and cancel once submitted, and the applicant only cancel; nothing once decided', async () => {
      const applicant = api.applicant();
      const id = await submitted(applicant);
      expect(Object.keys((await api.manager.call('GET', path(id))).json<ApplicationDto>()._links)).toEqual([
        'self',
        'approve',
        'decline',
        'cancel',
      ]);
      expect(Object.keys((await applicant.call('GET', path(id))).json<ApplicationDto>()._links)).toEqual([
        'self',
        'cancel',
      ]);
      expect((await api.manager.call('POST', path(id, 'approve'))).statusCode).toBe(204);
      expect(Object.keys((await applicant.call('GET', path(id))).json<ApplicationDto>()._links)).toEqual([
        'self',
      ]);
    });
  });

  describe('metrics', () => {
    const approvals = async () => {
      const text = (await api.call('GET', '/metrics')).body;
      const line = text
        .split('\n')
        .find((one) => one.startsWith('lc_application_events_total{event="approved",by="manager"}'));
      return Number(line?.split(' ').pop() ?? 0);
    };

    it('counts a manager approval once it has committed, and a refused second approval not at all', async () => {
      const id = await submitted(api.applicant());
      const before = await approvals();
      expect((await api.manager.call('POST', path(id, 'approve'))).statusCode).toBe(204);
      expect((await api.manager.call('POST', path(id, 'approve'))).statusCode).toBe(409);
      expect(await approvals()).toBe(before + 1);
    });
  });

  describe('who may do what', () => {
    it("keeps an applicant out of another's application, and anonymous callers out of all", async () => {
      const id = await readyDraft(api.applicant());
      const stranger = api.applicant();
      expectProblem(await stranger.call('GET', path(id)), 403, { code: 'not_yours' });
      expectProblem(
        await stranger.call('POST', path(id, 'change-amount'), { amount: 1, currency: 'USD' }),
        403,
        {
          code: 'not_yours',
        },
      );
      expectProblem(await api.as('anonymous').call('GET', path(id)), 401, { code: 'unauthenticated' });
    });

    it('lets only trade finance decide, and never the applicant', async () => {
      const applicant = api.applicant();
      const id = await submitted(applicant);
      expectProblem(await applicant.call('POST', path(id, 'approve')), 403, { code: 'forbidden' });
      expectProblem(await applicant.call('POST', path(id, 'decline')), 403, { code: 'forbidden' });
      expectProblem(
        await api.manager.call('POST', path(id, 'change-amount'), { amount: 1, currency: 'USD' }),
        403,
        {
          code: 'forbidden',
        },
      );
    });

    it('answers 404 for an application that does not exist, whoever asks', async () => {
      expectProblem(await api.applicant().call('GET', path(unknownId())), 404, {
        code: 'lc_application_not_found',
      });
      expectProblem(await api.manager.call('POST', path(unknownId(), 'approve')), 404, {
        code: 'lc_application_not_found',
      });
    });
  });

  describe('the rules, each by its name', () => {
    it('answers 409 with the rule for a task the state does not allow', async () => {
      const applicant = api.applicant();
      const id = await submitted(applicant);
      expectProblem(await applicant.call('POST', path(id, 'submit')), 409, {
        code: 'lc_application_already_submitted',
      });
      expectProblem(
        await applicant.call('POST', path(id, 'change-amount'), { amount: 5, currency: 'USD' }),
        409,
        {
          code: 'lc_application_already_submitted',
        },
      );
      expect((await api.manager.call('POST', path(id, 'decline'), { reason: 'no' })).statusCode).toBe(204);
      expectProblem(await api.manager.call('POST', path(id, 'approve')), 409, {
        code: 'lc_application_not_submitted',
      });
      expectProblem(await applicant.call('POST', path(id, 'cancel')), 409, {
        code: 'lc_application_decided',
      });
    });

    it('names what a submit lacks, the amount first', async () => {
      const applicant = api.applicant();
      const { id } = (
        await applicant.call('POST', '/api/lc-applications/start-new', { clientReference: 'Lacking' })
      ).json<{ id: string }>();
      expectProblem(await applicant.call('POST', path(id, 'submit')), 409, {
        code: 'lc_amount_missing',
        field: 'amount',
      });
      await applicant.call('POST', path(id, 'change-amount'), { amount: 10, currency: 'USD' });
      expectProblem(await applicant.call('POST', path(id, 'submit')), 409, {
        code: 'lc_merchandise_missing',
        field: 'merchandise',
      });
    });

    it('refuses amounts the bank does not issue: not USD, over USD 500,000, or more than two decimals', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      expectProblem(
        await applicant.call('POST', path(id, 'change-amount'), { amount: 100, currency: 'EUR' }),
        400,
        {
          code: 'lc_currency_not_supported',
          field: 'body.currency',
        },
      );
      expectProblem(
        await applicant.call('POST', path(id, 'change-amount'), { amount: 500_000.01, currency: 'USD' }),
        400,
        { code: 'lc_amount_above_maximum', field: 'body.amount' },
      );
      expectProblem(
        await applicant.call('POST', path(id, 'change-amount'), { amount: 1.005, currency: 'USD' }),
        400,
        {
          field: 'body.amount',
        },
      );
    });

    it('refuses a beneficiary in Sokovia, and a submit once the beneficiary country has been sanctioned meanwhile', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      const sokovia = { ...wakandaExporter, address: { ...wakandaExporter.address, country: 'XS' } };
      const refused = await applicant.call('POST', path(id, 'change-beneficiary'), sokovia);
      expectProblem(refused, 409, {
        code: 'cannot_trade_with_sanctioned_country',
        detail: 'Import from this country is currently prohibited!',
        field: 'body.address.country',
      });
      // Genovia (XG): no other test trades with it.
      const genovia = { ...wakandaExporter, address: { ...wakandaExporter.address, country: 'XG' } };
      expect((await applicant.call('POST', path(id, 'change-beneficiary'), genovia)).statusCode).toBe(204);
      await api.sanction(['XS', 'XG']);
      expectProblem(await applicant.call('POST', path(id, 'submit')), 409, {
        code: 'cannot_trade_with_sanctioned_country',
        field: 'beneficiary.address.country',
      });
      await api.sanction(['XS']);
      expect((await applicant.call('POST', path(id, 'submit'))).statusCode).toBe(204);
    });

    it('verifies a US applicant address through the postal service, standardised; refuses one it cannot find', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      const acme = {
        name: 'Acme Imports',
        address: {
          lines: ['1600 Pennsylvania Ave'],
          city: 'Washington',
          region: 'dc',
          postalCode: '20500',
          country: 'US',
        },
      };
      expect((await applicant.call('POST', path(id, 'change-applicant'), acme)).statusCode).toBe(204);
      expect((await applicant.call('GET', path(id))).json<ApplicationDto>().applicant?.address).toMatchObject(
        {
          lines: ['1600 PENNSYLVANIA AVE'],
          region: 'DC',
          postalCode: '20500-0001',
        },
      );
      const nowhere = { ...acme, address: { ...acme.address, lines: ['1 Nowhere Lane'] } };
      expectProblem(await applicant.call('POST', path(id, 'change-applicant'), nowhere), 400, {
        code: 'applicant_address_not_found',
        field: 'body.address',
      });
      const noState = { ...acme, address: { lines: ['1 Main St'], city: 'Springfield', country: 'US' } };
      expectProblem(await applicant.call('POST', path(id, 'change-applicant'), noState), 400, {
        code: 'applicant_address_not_found',
      });
    });

    it('wants an expiry date after today', async () => {
      const applicant = api.applicant();
      const id = await readyDraft(applicant);
      expectProblem(
        await applicant.call('POST', path(id, 'change-expiry-date'), { expiryDate: '2020-01-01' }),
        400,
        {
          code: 'lc_expiry_date_not_in_future',
          field: 'body.expiryDate',
        },
      );
      expectProblem(
        await applicant.call('POST', path(id, 'change-expiry-date'), { expiryDate: '2099-02-30' }),
        400,
        {
          field: 'body.expiryDate',
        },
      );
    });
  });
});
