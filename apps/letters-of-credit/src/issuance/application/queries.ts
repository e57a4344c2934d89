import { found, type Page, type PageRequest } from '@tessera/platform/ddd';
import * as LC from '../domain/lc.js';
import type { LCRepository, LCView } from './ports.js';

export interface IssuanceQueries {
  getLC(input: { id: string }): Promise<LCView>;
  /** The LC issued for an application; not_found until it is issued (or when it never was approved). */
  getLCOfApplication(input: { lcApplicationId: string }): Promise<LCView>;
  /** Issued LCs, newest first, an applicant's only when one is given. */
  listLCs(filter: { applicantId?: string }, page: PageRequest): Promise<Page<LCView>>;
}

export function createIssuanceQueries({ lcs }: { lcs: LCRepository }): IssuanceQueries {
  return {
    getLC: async ({ id }) => found(await lcs.find(id), LC.lcNotFound),
    getLCOfApplication: async ({ lcApplicationId }) =>
      found(await lcs.findByApplication(lcApplicationId), LC.noLCForApplication),
    listLCs: (filter, page) => lcs.list(filter, page),
  };
}
