import { invalidArgument } from '@tessera/platform/ddd';
import { type HttpServer, restRoutes, whenUnavailable } from '@tessera/platform/http';
import { isOperator } from '@tessera/platform/identity';
import { z } from 'zod';
import { issuanceRoles } from '../../../issuance/contract/roles.js';
import { type Portfolio, PortfolioUnavailable } from '../../application/portfolio.js';
import { lcApplicationsRoles } from '../../contract/roles.js';

const source = z.enum(['answered', 'unavailable', 'timed-out']);
const portfolioResponse = z
  .object({
    applicantId: z.string(),
    applications: z.array(
      z.object({
        id: z.uuid(),
        clientReference: z.string(),
        status: z.string(),
        amountCents: z.number().int().optional(),
        currency: z.string().optional(),
      }),
    ),
    issuedLCs: z.array(
      z.object({
        lcId: z.string(),
        lcNumber: z.string(),
        lcApplicationId: z.string(),
        clientReference: z.string(),
        amountCents: z.number().int(),
        currency: z.string(),
        issuedAt: z.string(),
        expiryDate: z.string().optional(),
      }),
    ),
    sources: z
      .object({ applications: source, issuance: source })
      .describe('Which sources answered: a partial portfolio says which one is missing'),
  })
  .describe("An applicant's applications in progress and issued LCs, gathered from both contexts");

/**
 * `GET /api/lc-applications/portfolio`: an applicant's own by default; trade finance and underwriting name the
 * applicant. Neither source answering is a 503 (a retry may succeed), one of them a partial answer.
 */
export function registerPortfolioRoute(
  http: HttpServer,
  portfolio: (applicantId: string) => Promise<Portfolio>,
) {
  whenUnavailable(http, [[PortfolioUnavailable, 'portfolio_unavailable']], (scope) => {
    const rest = restRoutes(scope, { tags: ['lc-applications'] });
    const { applicant, tradeFinanceManager } = lcApplicationsRoles;
    rest.get('/api/lc-applications/portfolio', 'getApplicantPortfolio', {
      audience: {
        roles: [applicant, tradeFinanceManager, issuanceRoles.underwriter],
        owner: async (request) => request.query.applicantId ?? request.principal?.subject,
      },
      summary: "An applicant's LC applications in progress and issued LCs, asked of both contexts at once",
      querystring: z.object({ applicantId: z.string().min(1).max(100).optional() }),
      ok: portfolioResponse,
      handler: async ({ query, principal, ownOnly }) => {
        const applicantId =
          query.applicantId ?? (ownOnly && !isOperator(principal) ? principal?.subject : undefined);
        if (!applicantId) {
          throw invalidArgument(
            'applicant_id_missing',
            'say whose portfolio it is',
            'querystring.applicantId',
          );
        }
        const { applications, issuedLCs, ...rest } = await portfolio(applicantId);
        return { ...rest, applications: [...applications], issuedLCs: [...issuedLCs] };
      },
    });
  });
}
