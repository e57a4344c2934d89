import { randomUUID } from 'node:crypto';
import { TOKEN_PATH } from '@tessera/platform/identity';
import { type Method, startTestHost, type TestHost, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_CHECKS_CHANNEL } from '../../src/compliance/contract/integration-events.js';
import { DEFAULT_PRODUCT_RULES } from '../../src/compliance/domain/product-checks.js';
import { createComplianceModule } from '../../src/compliance/module.js';
import { createLCApplicationsModule } from '../../src/lc-applications/module.js';
import { APPLICANT_CHECKS_CHANNEL } from '../../src/onboarding/contract/integration-events.js';
import { DEFAULT_CREDIT_RULES } from '../../src/onboarding/domain/credit-checks.js';
import { createOnboardingModule } from '../../src/onboarding/module.js';
import { received } from '../support/partners.js';
import { CREDIT_ANALYST, HOST_START_MS } from './support.js';

const PRODUCT_ANALYST = { subject: 'analyst-1', roles: ['product-analyst'] };

/**
 * The way in for an importer, across the three contexts: they register with Customer Onboarding, log in, and
 * their LC applications are their own in LC Application Processing; once one is submitted, both partners
 * decide on it.
 */
describe.each(testDatabases)('A registered applicant applies for an LC, on $backend', (backend) => {
  let api: TestHost;
  let productChecks: Awaited<ReturnType<typeof received>>;
  let applicantChecks: typeof productChecks;
  beforeAll(async () => {
    api = await startTestHost(backend, [
      createLCApplicationsModule(),
      createComplianceModule({ rules: DEFAULT_PRODUCT_RULES }),
      createOnboardingModule({ rules: DEFAULT_CREDIT_RULES }),
    ]);
    productChecks = await received(api.host.broker, PRODUCT_CHECKS_CHANNEL);
    applicantChecks = await received(api.host.broker, APPLICANT_CHECKS_CHANNEL);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  /** An importer who registered and logged in with their username and password (the password grant). */
  async function importer() {
    const login = { username: `importer-${randomUUID().slice(0, 8)}`, password: 'a long enough password' };
    const registered = await api
      .as('anonymous')
      .call('POST', '/api/onboarding/applicants', { ...login, name: 'Acme Imports' });
    expect(registered.statusCode, registered.body).toBe(201);
    const tokens = await api.host.http.inject({
      method: 'POST',
      url: TOKEN_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'password', ...login }).toString(),
    });
    const authorization = `Bearer ${tokens.json<{ access_token: string }>().access_token}`;
    return {
      id: registered.json<{ id: string }>().id,
      call: (method: Method, url: string, body?: object) =>
        api.host.http.inject({ method, url, headers: { authorization }, ...(body && { payload: body }) }),
    };
  }

  it('starts, fills and submits their own application; Compliance and Customer Onboarding both approve it', async () => {
    const ada = await importer();
    const product = randomUUID();
    const registered = await api
      .as(PRODUCT_ANALYST)
      .call('PUT', `/api/compliance/products/${product}`, { name: 'Cotton bales', category: 'textiles' });
    expect(registered.statusCode, registered.body).toBe(200);
    const credit = await api
      .as(CREDIT_ANALYST)
      .call('PUT', `/api/onboarding/applicants/${ada.id}/credit-line`, { amount: 10_000, currency: 'USD' });
    expect(credit.statusCode, credit.body).toBe(200);

    const started = await ada.call('POST', '/api/lc-applications/start-new', {
      clientReference: 'Cotton 2026',
    });
    expect(started.statusCode, started.body).toBe(201);
    const lcApplicationId = started.json<{ id: string }>().id;
    const lc = `/api/lc-applications/${lcApplicationId}`;
    for (const [task, body] of [
      ['change-amount', { amount: 9_000, currency: 'USD' }],
      ['change-merchandise', { items: [{ productId: product, quantity: 30 }] }],
    ] as const) {
      const changed = await ada.call('POST', `${lc}/${task}`, body);
      expect(changed.statusCode, changed.body).toBe(204);
    }
    const submitted = await ada.call('POST', `${lc}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(204);
    const mine = await ada.call('GET', lc);
    expect(mine.json()).toMatchObject({ applicantId: ada.id, status: 'submitted' });

    const decisions = [
      ...(await productChecks.keyed(lcApplicationId, 2)),
      ...(await applicantChecks.keyed(lcApplicationId, 1)),
    ];
    expect(decisions.map(({ type, data }) => [type, data])).toEqual([
      [
        'compliance.ProductValueValidated',
        { lcApplicationId, decision: expect.objectContaining({ approved: true }) },
      ],
      ['compliance.ProductLegalityValidated', { lcApplicationId, decision: { approved: true, remarks: '' } }],
      [
        'onboarding.ApplicantCreditValidated',
        { lcApplicationId, applicantId: ada.id, decision: { approved: true, remarks: '' } },
      ],
    ]);
  });

  it('is refused the applications of another applicant', async () => {
    const [ada, bob] = [await importer(), await importer()];
    const started = await ada.call('POST', '/api/lc-applications/start-new', {
      clientReference: 'Looms 2026',
    });
    expect(started.statusCode, started.body).toBe(201);
    const lc = `/api/lc-applications/${started.json<{ id: string }>().id}`;
    expect((await bob.call('GET', lc)).statusCode).toBe(403);
    expect((await bob.call('POST', `${lc}/submit`)).statusCode).toBe(403);
    expect((await ada.call('GET', lc)).statusCode).toBe(200);
  });
});
