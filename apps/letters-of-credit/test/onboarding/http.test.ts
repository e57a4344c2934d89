import { randomUUID } from 'node:crypto';
import { TOKEN_PATH } from '@tessera/platform/identity';
import {
  type Acting,
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingModule } from '../../src/onboarding/module.js';
import { submitted } from '../support/partners.js';
import { CREDIT_ANALYST, HOST_START_MS, type OnboardingHost, startOnboardingHost } from './support.js';

const TRADE_FINANCE = { subject: 'manager-1', roles: ['trade-finance-manager'] };
const PRODUCT_ANALYST = { subject: 'analyst-1', roles: ['product-analyst'] };
const applicantRole = (subject: string) => ({ subject, roles: ['applicant'] });

describe.each(testDatabases)('Customer Onboarding API, on $backend', (backend) => {
  let api: OnboardingHost;
  beforeAll(async () => {
    api = await startOnboardingHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  const register = (body: object) => api.as('anonymous').call('POST', '/api/onboarding/applicants', body);
  const login = { username: 'ada-imports', password: 'a long enough password' };
  const creditLine = (applicantId: string, body: object, who: Acting = CREDIT_ANALYST) =>
    api.as(who).call('PUT', `/api/onboarding/applicants/${applicantId}/credit-line`, body);
  const applicantsNamed = async (name: string) =>
    (await api.db.query('SELECT id FROM lc_onboarding.applicants WHERE name = $1', [name])).rows.length;

  describe('registering as an applicant', () => {
    it('answers 201 with the id, which is the subject of the tokens their username and password get', async () => {
      const address = { lines: ['12 Harbour Rd'], city: 'Mombasa', country: 'KE' };
      const response = await register({ ...login, name: 'Ada', company: 'Ada Imports Ltd', address });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(response.headers.location).toBe(`/api/onboarding/applicants/${id}`);

      const tokens = await api.host.http.inject({
        method: 'POST',
        url: TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'password', ...login }).toString(),
      });
      expect(tokens.statusCode, tokens.body).toBe(200);
      const token = tokens.json<{ access_token: string }>().access_token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect(claims).toMatchObject({ sub: id, roles: ['applicant'] });

      const own = await api.host.http.inject({
        method: 'GET',
        url: `/api/onboarding/applicants/${id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json()).toEqual({ applicant: { id, name: 'Ada', company: 'Ada Imports Ltd', address } });
    });

    it('refuses a taken username with 409 naming it, registering nobody', async () => {
      await api.register({ username: 'taken-name', name: 'First' });
      expectProblem(await register({ ...login, username: 'taken-name', name: 'Second' }), 409, {
        code: 'username_taken',
        field: 'body.username',
      });
      expect(await applicantsNamed('Second')).toBe(0);
    });

    it('refuses a blank name or company, a short password and a bad address, naming the field', async () => {
      const cases: Array<[object, string]> = [
        [{ name: '  ' }, 'body.name'],
        [{ company: ' ' }, 'body.company'],
        [{ password: 'short' }, 'body.password'],
        [{ username: 'no spaces please' }, 'body.username'],
        [{ address: { lines: ['1 Main St'], city: 'Springfield', country: 'USA' } }, 'body.address.country'],
        [{ address: { lines: [], city: 'Springfield', country: 'US' } }, 'body.address.lines'],
      ];
      for (const [body, field] of cases) {
        expectProblem(await register({ ...login, username: randomUUID(), name: 'Refused', ...body }), 400, {
          field,
        });
      }
      expect(await applicantsNamed('Refused')).toBe(0);
    });
  });

  describe('credit lines', () => {
    it('are set by credit analysts in USD, and shown to the applicant', async () => {
      const id = await api.register();
      const response = await creditLine(id.toUpperCase(), { amount: 250_000.5, currency: 'USD' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        applicant: { id, creditLine: { amount: 250_000.5, currency: 'USD' } },
      });
      const own = await api.as(applicantRole(id)).call('GET', `/api/onboarding/applicants/${id}`);
      expect(own.json()).toMatchObject({ applicant: { creditLine: { amount: 250_000.5, currency: 'USD' } } });
      const { rows } = await api.db.query(
        'SELECT credit_line_cents::text AS cents FROM lc_onboarding.applicants WHERE id = $1',
        [id],
      );
      expect(rows).toEqual([{ cents: '25000050' }]);
    });

    it('refuse another currency, a negative amount or more than two decimals, naming the field; 404 for nobody', async () => {
      const id = await api.register();
      expectProblem(await creditLine(id, { amount: 1_000, currency: 'EUR' }), 400, {
        field: 'body.currency',
      });
      for (const amount of [-1, 10.005]) {
        expectProblem(await creditLine(id, { amount, currency: 'USD' }), 400, { field: 'body.amount' });
      }
      expectProblem(await creditLine(unknownId(), { amount: 1_000, currency: 'USD' }), 404, {
        code: 'applicant_not_found',
      });
      const own = await api.as(applicantRole(id)).call('GET', `/api/onboarding/applicants/${id}`);
      expect(own.json()).toEqual({ applicant: { id, name: 'Acme Imports' } });
    });
  });

  describe('who may call', () => {
    it('refuses anonymous callers with 401 on every route but registration', async () => {
      const id = unknownId();
      for (const [method, url, body] of [
        ['GET', `/api/onboarding/applicants/${id}`, undefined],
        ['PUT', `/api/onboarding/applicants/${id}/credit-line`, { amount: 1, currency: 'USD' }],
        ['GET', `/api/onboarding/credit-checks/${id}`, undefined],
      ] as const) {
        expectProblem(await api.as('anonymous').call(method, url, body), 401);
      }
    });

    it('lets an applicant see only their own record, and set no credit line, not even their own', async () => {
      const [ada, bob] = [await api.register(), await api.register()];
      expectProblem(await api.as(applicantRole(ada)).call('GET', `/api/onboarding/applicants/${bob}`), 403);
      expectProblem(await creditLine(ada, { amount: 1_000_000, currency: 'USD' }, applicantRole(ada)), 403);
      const url = `/api/onboarding/credit-checks/${unknownId()}`;
      expectProblem(await api.as(applicantRole(ada)).call('GET', url), 403);
    });

    it('refuses product analysts everywhere, and the trade-finance desk all but the credit checks', async () => {
      const id = await api.register();
      for (const who of [PRODUCT_ANALYST, TRADE_FINANCE]) {
        expectProblem(await api.as(who).call('GET', `/api/onboarding/applicants/${id}`), 403);
        expectProblem(await creditLine(id, { amount: 1, currency: 'USD' }, who), 403);
      }
      const message = submitted({ applicantId: id });
      await api.host.broker.publish([message]);
      await api.handled.until((handled) => handled.some((one) => one.id === message.id));
      const url = `/api/onboarding/credit-checks/${message.data.lcApplicationId}`;
      expectProblem(await api.as(PRODUCT_ANALYST).call('GET', url), 403);
      const check = await api.as(TRADE_FINANCE).call('GET', url);
      expect(check.statusCode, check.body).toBe(200);
      expect(check.json()).toMatchObject({
        applicantId: id,
        decision: { approved: false, remarks: 'the applicant has no credit line yet' },
      });
    });
  });

  describeBadRequests(
    () => api,
    [
      {
        method: 'POST',
        path: '/api/onboarding/applicants',
        body: { username: 'bad-requests', password: 'a long enough password', name: 'Ada' },
      },
      {
        method: 'GET',
        path: '/api/onboarding/applicants/:applicantId',
        notFound: { code: 'applicant_not_found' },
      },
      {
        method: 'PUT',
        path: '/api/onboarding/applicants/:applicantId/credit-line',
        body: { amount: 1_000, currency: 'USD' },
        notFound: { code: 'applicant_not_found' },
      },
      {
        method: 'GET',
        path: '/api/onboarding/credit-checks/:lcApplicationId',
        notFound: { code: 'credit_check_not_found' },
      },
    ],
  );

  it('documents every route, with its problems, and the ApplicantChecks channel in the AsyncAPI document', async () => {
    const operations = await expectDocumentedRoutes(api, onboardingModule, '/api/onboarding', [
      '/api/onboarding/applicants',
      '/api/onboarding/applicants/{applicantId}',
      '/api/onboarding/applicants/{applicantId}/credit-line',
      '/api/onboarding/credit-checks/{lcApplicationId}',
    ]);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual([
      'getApplicant',
      'getCreditCheck',
      'registerApplicant',
      'setCreditLine',
    ]);
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    expect(document).toContain('letters-of-credit.onboarding.events.ApplicantChecks');
    expect(document).toContain('onboarding.ApplicantCreditValidated');
  });
});
