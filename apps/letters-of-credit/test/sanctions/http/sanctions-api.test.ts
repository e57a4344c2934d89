import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanctionsModule } from '../../../src/sanctions/module.js';
import { officer, type SanctionsHost, startSanctionsHost } from '../support/host.js';

const tradeFinance = { subject: 'manager-1', roles: ['trade-finance-manager'] };
const malformed = ['X', 'XSS', '1A', 'X-', 'ÉS'];

describe.each(testDatabases)("Sanctions' routes, on $backend", (backend) => {
  let api: SanctionsHost;
  beforeAll(async () => {
    api = await startSanctionsHost(backend);
  });
  afterAll(() => api?.close());

  it('shows the list to sanctions officers and trade finance managers', async () => {
    for (const who of [officer, tradeFinance]) {
      const response = await api.as(who).call('GET', '/api/sanctions/countries');
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        countries: ['XS'],
        version: 1,
        changedAt: '2026-02-03T10:00:00.000Z',
      });
    }
  });

  it('lets only sanctions officers change it', async () => {
    for (const [method, url] of [
      ['PUT', '/api/sanctions/countries/IR'],
      ['DELETE', '/api/sanctions/countries/XS'],
    ] as const) {
      for (const who of [
        tradeFinance,
        { subject: 'u-1', roles: ['underwriter'] },
        { subject: 'i-1', roles: ['applicant'] },
      ]) {
        expectProblem(await api.as(who).call(method, url), 403, { code: 'forbidden' });
      }
      expectProblem(await api.as('anonymous').call(method, url), 401, { code: 'unauthenticated' });
    }
    for (const who of [
      { subject: 'i-1', roles: ['applicant'] },
      { subject: 'u-1', roles: ['underwriter'] },
    ]) {
      expectProblem(await api.as(who).call('GET', '/api/sanctions/countries'), 403, { code: 'forbidden' });
    }
    expectProblem(await api.as('anonymous').call('GET', '/api/sanctions/countries'), 401, {
      code: 'unauthenticated',
    });
    expect((await api.list()).countries).toEqual(['XS']);
  });

  it('sanctions and lifts a country by its code, in either case', async () => {
    expect((await api.as(officer).call('PUT', '/api/sanctions/countries/ir')).statusCode).toBe(204);
    expect((await api.list()).countries).toEqual(['IR', 'XS']);
    expect((await api.as(officer).call('DELETE', '/api/sanctions/countries/Ir')).statusCode).toBe(204);
    expect((await api.list()).countries).toEqual(['XS']);
    expectProblem(await api.as(officer).call('DELETE', '/api/sanctions/countries/IR'), 404, {
      code: 'country_not_sanctioned',
      detail: 'IR is not on the sanctions list',
    });
  });

  it('refuses a code that is not one, naming it, and changes nothing', async () => {
    const { version } = await api.list();
    for (const code of malformed) {
      for (const method of ['PUT', 'DELETE'] as const) {
        const response = await api
          .as(officer)
          .call(method, `/api/sanctions/countries/${encodeURIComponent(code)}`);
        expectProblem(response, 400, { code: 'invalid_request', field: 'params.code' });
      }
    }
    expect((await api.list()).version).toBe(version);
  });

  it('documents every route', async () => {
    await expectDocumentedRoutes(api, sanctionsModule, '/api/sanctions', [
      '/api/sanctions/countries',
      '/api/sanctions/countries/{code}',
    ]);
  });

  describeBadRequests(
    () => api,
    [
      { method: 'PUT', path: '/api/sanctions/countries/:code', param: { valid: 'QQ', malformed } },
      {
        method: 'DELETE',
        path: '/api/sanctions/countries/:code',
        param: { valid: 'QQ', malformed, unknown: 'QQ' },
        notFound: { code: 'country_not_sanctioned' },
      },
    ],
  );
});
