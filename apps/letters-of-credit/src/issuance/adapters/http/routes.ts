import { mapPage } from '@tessera/platform/ddd';
import { type HttpServer, ownerFrom, pageAnswer, restRoutes } from '@tessera/platform/http';
import { lcApplicationsRoles } from '../../../lc-applications/contract/roles.js';
import type { IssuanceQueries } from '../../application/queries.js';
import { issuanceRoles } from '../../contract/roles.js';
import {
  applicationParams,
  idParams,
  lcResponse,
  lcsResponse,
  listQuery,
  newestFirstPage,
  problems,
  tags,
  toLCDto,
} from './schemas.js';

const { underwriter } = issuanceRoles;
const { applicant, tradeFinanceManager } = lcApplicationsRoles;

/**
 * The REST routes of LC Issuance under /api/issuance: reading issued LCs. Underwriting and trade finance
 * see every LC; an applicant sees their own. LCs are issued by approvals, not by a route.
 */
export function registerIssuanceRoutes(http: HttpServer, { queries }: { queries: IssuanceQueries }) {
  const rest = restRoutes(http, { tags, problems });
  const staff = [underwriter, tradeFinanceManager];

  rest.get('/api/issuance/lcs', 'listIssuedLCs', {
    audience: { roles: [...staff, applicant], owner: async (request) => request.query.applicantId },
    summary: 'Issued LCs, newest first, a page at a time; an applicant’s only with applicantId',
    querystring: listQuery,
    ok: lcsResponse,
    handler: async ({ query, ownOnly, principal }) => {
      // An applicant who names no one still sees only their own.
      const applicantId = query.applicantId ?? (ownOnly ? principal?.subject : undefined);
      const page = await queries.listLCs(
        applicantId === undefined ? {} : { applicantId },
        newestFirstPage(query),
      );
      return pageAnswer('lcs', mapPage(page, toLCDto));
    },
  });

  rest.get('/api/issuance/lcs/:id', 'getIssuedLC', {
    audience: {
      roles: [...staff, applicant],
      owner: ownerFrom(
        async (request: { params: { id: string } }) => (await queries.getLC(request.params)).applicantId,
      ),
    },
    summary: 'An issued LC: its number and the terms as issued',
    params: idParams,
    ok: lcResponse,
    handler: async ({ params }) => ({ lc: toLCDto(await queries.getLC(params)) }),
  });

  rest.get('/api/issuance/lc-applications/:lcApplicationId/lc', 'getLCOfApplication', {
    audience: {
      roles: [...staff, applicant],
      owner: ownerFrom(
        async (request: { params: { lcApplicationId: string } }) =>
          (await queries.getLCOfApplication(request.params)).applicantId,
      ),
    },
    summary: 'The LC issued for an approved application (404 until it is issued)',
    params: applicationParams,
    ok: lcResponse,
    handler: async ({ params }) => ({ lc: toLCDto(await queries.getLCOfApplication(params)) }),
  });
}
