import type { Envelope } from '@tessera/platform/messaging';
import { expectProblem, pgliteTestDatabase, signals } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuanceModule } from '../../../src/issuance/module.js';
import { HOST_START_MS, type LCHost, readyDraft, startLCHost, submitted } from '../../support/host.js';

interface PortfolioDto {
  applicantId: string;
  applications: Array<{ id: string; status: string; amountCents?: number }>;
  issuedLCs: Array<{ lcApplicationId: string; lcNumber: string }>;
  sources: { applications: string; issuance: string };
}

type Projectors = { view: { caughtUp(): Promise<void> } };
const watching = () => {
  const seen: { projectors?: Projectors } = {};
  const onProjectors = (running: Projectors) => {
    seen.projectors = running;
  };
  return { seen, onProjectors };
};

describe("an applicant's portfolio: applications in progress and issued LCs, from two contexts", () => {
  let api: LCHost;
  const { seen, onProjectors } = watching();
  const approvals = signals<Envelope>();
  beforeAll(async () => {
    api = await startLCHost(pgliteTestDatabase, {
      modules: [createIssuanceModule({ onApprovalHandled: (message) => approvals.push(message) })],
      onProjectors,
    });
  }, HOST_START_MS);
  const caughtUp = () => seen.projectors!.view.caughtUp();
  afterAll(() => api?.close());

  const issuedFor = (id: string) =>
    approvals.until((handled) =>
      handled.some((message) => (message.data as { lcApplicationId?: string }).lcApplicationId === id),
    );

  it("gathers the applicant's draft and submitted applications and the LCs issued for the approved one", async () => {
    const applicant = api.applicant();
    const draft = await readyDraft(applicant, 2500);
    const pending = await submitted(applicant, 7000);
    const approved = await submitted(applicant, 9000);
    expect((await api.manager.call('POST', `/api/lc-applications/${approved}/approve`)).statusCode).toBe(204);
    await issuedFor(approved);
    await caughtUp();

    const answer = await applicant.call('GET', '/api/lc-applications/portfolio');
    expect(answer.statusCode, answer.body).toBe(200);
    const portfolio = answer.json<PortfolioDto>();
    expect(portfolio.sources).toEqual({ applications: 'answered', issuance: 'answered' });
    expect(
      portfolio.applications
        .map(({ id, status }) => ({ id, status }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(
      [
        { id: draft, status: 'draft' },
        { id: pending, status: 'submitted' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(portfolio.issuedLCs).toEqual([
      expect.objectContaining({
        lcApplicationId: approved,
        lcNumber: expect.stringMatching(/^KPB-LC-\d{4}-\d+$/),
      }),
    ]);
  });

  it("shows trade finance the portfolio of the applicant it names, and keeps applicants out of another's", async () => {
    const applicant = api.applicant();
    await readyDraft(applicant);
    await caughtUp();
    const desk = await api.manager.call(
      'GET',
      `/api/lc-applications/portfolio?applicantId=${applicant.subject}`,
    );
    expect(desk.json<PortfolioDto>().applications).toHaveLength(1);
    expectProblem(await api.manager.call('GET', '/api/lc-applications/portfolio'), 400, {
      code: 'applicant_id_missing',
      field: 'querystring.applicantId',
    });
    expectProblem(
      await api.applicant().call('GET', `/api/lc-applications/portfolio?applicantId=${applicant.subject}`),
      403,
      { code: 'not_yours' },
    );
  });
});

describe('a portfolio when LC Issuance cannot answer', () => {
  let api: LCHost;
  const { seen, onProjectors } = watching();
  beforeAll(async () => {
    // No Issuance in this process, and RPC_SERVICES names none: it cannot be asked.
    api = await startLCHost(pgliteTestDatabase, { onProjectors });
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('answers with the applications alone, saying that Issuance did not answer', async () => {
    const applicant = api.applicant();
    const draft = await readyDraft(applicant);
    await seen.projectors!.view.caughtUp();
    const portfolio = (await applicant.call('GET', '/api/lc-applications/portfolio')).json<PortfolioDto>();
    expect(portfolio).toMatchObject({
      applications: [{ id: draft, status: 'draft' }],
      issuedLCs: [],
      sources: { applications: 'answered', issuance: 'unavailable' },
    });
  });
});
