import { invalidArgument, mapPage, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '@tessera/platform/ddd';
import { pageAnswer } from '@tessera/platform/http';
import type { LCView } from '../../application/ports.js';
import type { IssuanceQueries } from '../../application/queries.js';
import type { IssuedLCSummary, IssuedLCsService } from '../../contract/issued-lcs-service.js';
import { newestFirstPage } from '../http/schemas.js';

export const toSummary = ({ terms, ...lc }: LCView): IssuedLCSummary => ({
  lcId: lc.id,
  lcNumber: lc.lcNumber,
  lcApplicationId: lc.lcApplicationId,
  applicantId: lc.applicantId,
  clientReference: terms.clientReference,
  amountCents: terms.amountCents,
  currency: terms.currency,
  issuedAt: lc.issuedAt,
  ...(terms.expiryDate !== undefined && { expiryDate: terms.expiryDate }),
});

/**
 * The in-process IssuedLCsService: the query the REST list uses, paged as it is (the same cursors), answered
 * as the contract's data. `applicantIdField` is how the asker's language names the applicant, for the error.
 */
export function issuedLCsService(
  queries: Pick<IssuanceQueries, 'listLCs'>,
  applicantIdField = 'applicantId',
): IssuedLCsService {
  return {
    async listIssuedLCs(applicantId, { limit = PAGE_LIMIT_DEFAULT, after } = {}) {
      if (applicantId.trim() === '') {
        throw invalidArgument('applicant_id_missing', 'say whose LCs to list', applicantIdField);
      }
      if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) {
        throw invalidArgument('limit_out_of_range', `limit must be 1 to ${PAGE_LIMIT_MAX}`, 'limit');
      }
      const page = await queries.listLCs({ applicantId }, newestFirstPage({ limit, after }));
      const { lcs, next } = pageAnswer('lcs', mapPage(page, toSummary));
      return { lcs, ...(next === undefined ? {} : { next }) };
    },
  };
}
