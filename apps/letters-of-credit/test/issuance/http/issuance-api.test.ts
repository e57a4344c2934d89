import { randomUUID } from 'node:crypto';
import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectPagedList,
  expectProblem,
  testDatabases,
  unknownId,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuanceModule } from '../../../src/issuance/module.js';
import { approval, type IssuanceHost, type IssuedLCDto, startIssuanceHost } from '../support/host.js';

const underwriter = { subject: 'underwriter-1', roles: ['underwriter'] };
const tradeFinance = { subject: 'manager-1', roles: ['trade-finance-manager'] };
const applicantOf = (subject: string) => ({ subject, roles: ['applicant'] });

describe.each(testDatabases)("LC Issuance's routes, on $backend", (backend) => {
  let api: IssuanceHost;
  let lc: IssuedLCDto;
  beforeAll(async () => {
    api = await startIssuanceHost(backend);
    lc = await api.issueFor('importer-a');
  });
  afterAll(() => api?.close());

  const routes = (one: IssuedLCDto) => [
    `/api/issuance/lcs/${one.id}`,
    `/api/issuance/lc-applications/${one.lcApplicationId}/lc`,
    `/api/issuance/lcs?applicantId=${one.applicantId}`,
  ];

  it('answers an LC by its id and by its application, with its number and terms', async () => {
    for (const url of routes(lc).slice(0, 2)) {
      const response = await api.call('GET', url);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<{ lc: IssuedLCDto }>().lc).toEqual(lc);
    }
    expect(lc).toMatchObject({ applicantId: 'importer-a', amount: { amount: 9500, currency: 'USD' } });
    const id = lc.id.toUpperCase();
    expect((await api.call('GET', `/api/issuance/lcs/${id}`)).json<{ lc: IssuedLCDto }>().lc.id).toBe(lc.id);
  });

  it('admits underwriting and trade finance to every LC, and the applicant to their own only', async () => {
    for (const who of [underwriter, tradeFinance, applicantOf('importer-a')]) {
      for (const url of routes(lc)) {
        const response = await api.as(who).call('GET', url);
        expect(response.statusCode, `${who.roles[0]} ${url}`).toBe(200);
      }
    }
    for (const url of routes(lc)) {
      expectProblem(await api.as(applicantOf('importer-b')).call('GET', url), 403, { code: 'not_yours' });
      expectProblem(await api.as('anonymous').call('GET', url), 401, { code: 'unauthenticated' });
      for (const roles of [['sanctions-officer'], ['customer'], ['service']]) {
        const response = await api.as({ subject: 'someone', roles }).call('GET', url);
        expectProblem(response, 403, { code: 'forbidden' });
      }
    }
  });

  it('answers 404, not 403, to an applicant asking for an LC that does not exist', async () => {
    for (const url of [
      `/api/issuance/lcs/${unknownId()}`,
      `/api/issuance/lc-applications/${unknownId()}/lc`,
    ]) {
      expectProblem(await api.as(applicantOf('importer-a')).call('GET', url), 404, { code: 'lc_not_found' });
    }
  });

  it("lists only an applicant's own LCs to them, whether they name themselves or not; staff see every LC", async () => {
    const own = await api.issueFor('importer-c');
    const others = await api.issueFor('importer-d');
    const listed = async (who: Parameters<IssuanceHost['as']>[0], url: string) => {
      const response = await api.as(who).call('GET', url);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ lcs: IssuedLCDto[] }>().lcs.map((one) => one.id);
    };
    expect(await listed(applicantOf('importer-c'), '/api/issuance/lcs')).toEqual([own.id]);
    expect(await listed(applicantOf('importer-c'), '/api/issuance/lcs?applicantId=importer-c')).toEqual([
      own.id,
    ]);
    expect(await listed(applicantOf('importer-e'), '/api/issuance/lcs')).toEqual([]);
    const everyone = await listed(underwriter, '/api/issuance/lcs');
    expect(everyone.slice(0, 2)).toEqual([others.id, own.id]); // newest first
    expect(everyone).toContain(lc.id);
    expect(await listed(tradeFinance, '/api/issuance/lcs?applicantId=importer-d')).toEqual([others.id]);
  });

  it('pages the list as every list, newest first, everyone’s and an applicant’s', async () => {
    const applicantId = `importer-${randomUUID().slice(0, 8)}`;
    await api.deliver(...Array.from({ length: 53 }, () => approval(randomUUID(), applicantId)));
    const ids = await expectPagedList(api, `/api/issuance/lcs?applicantId=${applicantId}`, 'lcs', {
      atLeast: 53,
    });
    expect(ids).toHaveLength(53);
    const all = await expectPagedList(api, '/api/issuance/lcs', 'lcs', { atLeast: 56 });
    const times = await Promise.all(
      all
        .slice(0, 10)
        .map(
          async (id) =>
            (await api.call('GET', `/api/issuance/lcs/${id}`)).json<{ lc: IssuedLCDto }>().lc.issuedAt,
        ),
    );
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses a bad query, naming it', async () => {
    for (const [query, field] of [
      [`applicantId=${'x'.repeat(101)}`, 'querystring.applicantId'],
      ['applicantId=', 'querystring.applicantId'],
      ['colour=red', 'querystring'],
    ] as const) {
      const response = await api.call('GET', `/api/issuance/lcs?${query}`);
      const body = expectProblem(response, 400, { code: 'invalid_request' });
      expect(JSON.stringify(body.errors), query).toContain(field);
    }
  });

  it('documents every route', async () => {
    await expectDocumentedRoutes(api, issuanceModule, '/api/issuance', [
      '/api/issuance/lcs',
      '/api/issuance/lcs/{id}',
      '/api/issuance/lc-applications/{lcApplicationId}/lc',
    ]);
  });

  describeBadRequests(
    () => api,
    [
      { method: 'GET', path: '/api/issuance/lcs/:id', notFound: { code: 'lc_not_found' } },
      {
        method: 'GET',
        path: '/api/issuance/lc-applications/:lcApplicationId/lc',
        notFound: { code: 'lc_not_found' },
      },
    ],
  );
});
