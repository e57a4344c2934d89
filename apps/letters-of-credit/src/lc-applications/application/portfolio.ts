/**
 * An applicant's letters of credit at a glance (§4.5, a scatter-gather query): the applications still in
 * progress, from this module's own view, and the LCs issued, from LC Issuance. Both are asked at once; an
 * answer from one source alone is still an answer, saying which source is missing, because an importer
 * looking at their drafts should not be refused them when Issuance is slow.
 */
export interface ActiveApplication {
  readonly id: string;
  readonly clientReference: string;
  readonly status: string;
  readonly amountCents?: number;
  readonly currency?: string;
}

export interface IssuedLC {
  readonly lcId: string;
  readonly lcNumber: string;
  readonly lcApplicationId: string;
  readonly clientReference: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly issuedAt: string;
  readonly expiryDate?: string;
}

export type SourceState = 'answered' | 'unavailable' | 'timed-out';

export interface Portfolio {
  readonly applicantId: string;
  readonly applications: readonly ActiveApplication[];
  readonly issuedLCs: readonly IssuedLC[];
  readonly sources: { readonly applications: SourceState; readonly issuance: SourceState };
}

export interface PortfolioSources {
  /** The applicant's applications not yet decided (draft or submitted), at most `limit`. */
  activeApplications(applicantId: string, limit: number): Promise<readonly ActiveApplication[]>;
  /** The applicant's issued LCs, newest first, at most `limit`. */
  issuedLCs(applicantId: string, limit: number): Promise<readonly IssuedLC[]>;
}

export const PORTFOLIO_LIMIT = 100;

class TimedOut extends Error {}

const within = <T>(work: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimedOut()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * Gathers both sources within `timeoutMs`. A source that fails is reported, not thrown; only when neither
 * answers is it an error (`onlyFailures` gets the reasons), since an empty portfolio would be a lie.
 */
export function portfolioQuery(
  sources: PortfolioSources,
  { timeoutMs, onFailure }: { timeoutMs: number; onFailure: (source: string, error: unknown) => void },
) {
  const stateOf = (result: PromiseSettledResult<unknown>): SourceState =>
    result.status === 'fulfilled'
      ? 'answered'
      : result.reason instanceof TimedOut
        ? 'timed-out'
        : 'unavailable';
  return async (applicantId: string): Promise<Portfolio> => {
    const [applications, issued] = await Promise.allSettled([
      within(sources.activeApplications(applicantId, PORTFOLIO_LIMIT), timeoutMs),
      within(sources.issuedLCs(applicantId, PORTFOLIO_LIMIT), timeoutMs),
    ]);
    if (applications.status === 'rejected') onFailure('applications', applications.reason);
    if (issued.status === 'rejected') onFailure('issuance', issued.reason);
    if (applications.status === 'rejected' && issued.status === 'rejected') {
      throw new PortfolioUnavailable();
    }
    return {
      applicantId,
      applications: applications.status === 'fulfilled' ? applications.value : [],
      issuedLCs: issued.status === 'fulfilled' ? issued.value : [],
      sources: { applications: stateOf(applications), issuance: stateOf(issued) },
    };
  };
}

/** Neither source answered: a 503, a retry may succeed. */
export class PortfolioUnavailable extends Error {
  constructor() {
    super('neither the applications nor LC Issuance could answer now: try again shortly');
  }
}
