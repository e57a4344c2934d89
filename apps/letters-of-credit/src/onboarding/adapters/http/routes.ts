import { toCents } from '@tessera/platform/ddd';
import { type HttpServer, restRoutes } from '@tessera/platform/http';
import { lcApplicationsRoles } from '../../../lc-applications/contract/roles.js';
import type { OnboardingCommands } from '../../application/commands.js';
import type { OnboardingQueries } from '../../application/queries.js';
import { onboardingRoles } from '../../contract/roles.js';
import {
  applicantParams,
  applicantResponse,
  applicationParams,
  creditCheckResponse,
  creditLineBody,
  newApplicantBody,
  problems,
  tags,
  toApplicantDto,
} from './schemas.js';

const { applicant, tradeFinanceManager } = lcApplicationsRoles;
const { creditAnalyst } = onboardingRoles;

/**
 * Customer Onboarding's routes under /api/onboarding: importers register as applicants; credit analysts set
 * their credit lines and read the credit checks; applicants see their own record.
 */
export function registerOnboardingRoutes(
  http: HttpServer,
  { commands, queries }: { commands: OnboardingCommands; queries: OnboardingQueries },
) {
  const rest = restRoutes(http, { tags, problems });

  rest.post('/api/onboarding/applicants', 'registerApplicant', {
    audience: 'anyone',
    credentials: true,
    summary: 'Register as an applicant: the username and password then get tokens at the token endpoint',
    description:
      "The applicant's id is the subject of their tokens, with the applicant role: their LC applications are theirs.",
    body: newApplicantBody,
    created: 'Registered',
    handler: ({ body }) => commands.registerApplicant(body),
  });

  rest.get('/api/onboarding/applicants/:applicantId', 'getApplicant', {
    audience: {
      roles: [applicant, creditAnalyst],
      owner: async (request) => request.params.applicantId,
    },
    summary: 'An applicant, with their credit line',
    params: applicantParams,
    ok: applicantResponse,
    handler: async ({ params }) => toApplicantDto(await queries.getApplicant(params)),
  });

  rest.put('/api/onboarding/applicants/:applicantId/credit-line', 'setCreditLine', {
    audience: { roles: [creditAnalyst] },
    summary: "Set an applicant's credit line (USD): later credit checks weigh LC amounts against it",
    params: applicantParams,
    body: creditLineBody,
    ok: applicantResponse,
    handler: async ({ params, body }) =>
      toApplicantDto(await commands.setCreditLine({ ...params, creditLineCents: toCents(body.amount) })),
  });

  rest.get('/api/onboarding/credit-checks/:lcApplicationId', 'getCreditCheck', {
    audience: { roles: [creditAnalyst, tradeFinanceManager] },
    summary: "Credit analysis's decision on a submitted LC application",
    params: applicationParams,
    ok: creditCheckResponse,
    handler: ({ params }) => queries.creditCheck(params),
  });
}
