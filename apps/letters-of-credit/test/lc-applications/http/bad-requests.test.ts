import { describeBadRequests, expectDocumentedRoutes, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lcApplicationsModule } from '../../../src/lc-applications/module.js';
import { HOST_START_MS, type LCHost, startLCHost, wakandaExporter } from '../../support/host.js';

const notFound = { code: 'lc_application_not_found' };
const tasks = [
  ['change-applicant', wakandaExporter],
  ['change-beneficiary', wakandaExporter],
  ['change-advising-bank', { bic: 'WAKAWKWKXXX', name: 'Bank of Wakanda', country: 'XW' }],
  ['change-amount', { amount: 1000, currency: 'USD' }],
  ['change-merchandise', { items: [{ productId: crypto.randomUUID(), quantity: 1 }] }],
  ['change-documents', { documents: ['Certificate of origin'] }],
  ['change-conditions', { revocable: false, transferable: false, tenor: { kind: 'at-sight' } }],
  ['change-expiry-date', { expiryDate: '2099-12-31' }],
] as const;

/** Every LC Application Processing command route, with a valid body of only its required fields. */
const routes = [
  { method: 'POST', path: '/api/lc-applications/start-new', body: { clientReference: 'My LC' } },
  { method: 'GET', path: '/api/lc-applications/:id', notFound },
  ...tasks.map(([task, body]) => ({
    method: 'POST' as const,
    path: `/api/lc-applications/:id/${task}`,
    body: body as Record<string, unknown>,
    notFound,
  })),
  ...['submit', 'approve', 'decline', 'cancel'].map((task) => ({
    method: 'POST' as const,
    path: `/api/lc-applications/:id/${task}`,
    notFound,
  })),
] as const;

describe.each(testDatabases)('LC applications API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: LCHost;
  beforeAll(async () => {
    api = await startLCHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  describeBadRequests(() => api, routes);

  it('documents every route in the OpenAPI document, with its problems', async () => {
    const operations = await expectDocumentedRoutes(api, lcApplicationsModule, '/api/lc-applications', [
      '/api/lc-applications/start-new',
      '/api/lc-applications/{id}',
      // The query side's (queries/lists.test.ts checks their problems).
      '/api/lc-applications',
      '/api/lc-applications/my-drafts',
      '/api/lc-applications/summary',
      '/api/lc-applications/portfolio',
      '/api/lc-applications/queues/{queue}',
      '/api/lc-applications/queues/{queue}/live',
      '/api/lc-applications/{id}/live',
      ...tasks.map(([task]) => `/api/lc-applications/{id}/${task}`),
      '/api/lc-applications/{id}/submit',
      '/api/lc-applications/{id}/approve',
      '/api/lc-applications/{id}/decline',
      '/api/lc-applications/{id}/cancel',
    ]);
    const noId = [
      'startNewLCApplication',
      'listLCApplications',
      'myDraftLCApplications',
      'lcApplicationsSummary',
      'getApplicantPortfolio',
      'lcApplicationWorkQueue',
      'followLCApplicationWorkQueue',
    ];
    for (const operation of operations.filter((one) => !noId.includes(one.operationId!))) {
      expect(operation.responses['404']?.content).toHaveProperty(['application/problem+json']);
    }
  });

  it('lists its channel and messages, and the command channel it receives, in the AsyncAPI document', async () => {
    const document = JSON.stringify((await api.call('GET', '/asyncapi.json')).json());
    expect(document).toContain('letters-of-credit.lc-applications.events.LCApplication');
    expect(document).toContain('letters-of-credit.lc-applications.commands');
    for (const name of ['Submitted', 'Approved', 'Declined', 'Canceled']) {
      expect(document).toContain(`lcapplications.LCApplication${name}`);
    }
  });
});
