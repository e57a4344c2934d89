/**
 * LC Issuance's synchronous public API for other contexts, as data: the LCs issued to an applicant (for LC
 * Application Processing's consolidated view of active applications and issued LCs, the scatter-gather query
 * of §4.5). In one process the Issuance module provides it under `ISSUED_LCS_SERVICE`; from another process
 * the same question goes over RPC (`lettersofcredit.issuance.v1.IssuedLCsService`). Ask it through
 * `issuedLCsServiceFor` (issued-lcs-client.ts), which decides which at each call.
 */
export const ISSUED_LCS_SERVICE = 'letters-of-credit.issuance.IssuedLCsService';

export interface IssuedLCSummary {
  readonly lcId: string;
  /** The bank's number for it, e.g. KPB-LC-2026-000001. */
  readonly lcNumber: string;
  readonly lcApplicationId: string;
  readonly applicantId: string;
  readonly clientReference: string;
  /** Whole cents. */
  readonly amountCents: number;
  readonly currency: string;
  /** ISO 8601, UTC. */
  readonly issuedAt: string;
  /** YYYY-MM-DD, when the terms give one. */
  readonly expiryDate?: string;
}

/** A page of an applicant's issued LCs, newest first; `next` (absent on the last page) asks for the next. */
export interface IssuedLCsPage {
  readonly lcs: readonly IssuedLCSummary[];
  readonly next?: string;
}

export interface IssuedLCsService {
  /**
   * The LCs issued to `applicantId`, newest first: at most `limit` (1 to 100, default 50), after the page whose
   * `next` is `after`. None for an applicant with none. A `limit` out of range or an `after` this list did not
   * give is a DomainError of kind invalid_argument naming it; Issuance unable to answer is an
   * IssuanceUnavailableError.
   */
  listIssuedLCs(applicantId: string, page?: { limit?: number; after?: string }): Promise<IssuedLCsPage>;
}

/**
 * Issuance could not be asked (unreachable, timed out, or an answer that is not one). Not a DomainError: the
 * asker answers 503 or, inside a message handling, throws so that the broker retries.
 */
export class IssuanceUnavailableError extends Error {
  readonly code = 'issuance_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuanceUnavailableError';
  }
}
