import { moneyText } from '@tessera/platform/ddd';
import type { Applicant } from './applicants.js';

/** A check's outcome: approved or not, with remarks saying why (empty when there is nothing to say). */
export interface Decision {
  readonly approved: boolean;
  readonly remarks: string;
}

/** What credit analysis reads of a submitted application. */
export interface Application {
  readonly amountCents: number;
  readonly currency: string;
}

/** The EventStorming policy of credit analysis (§1.4), with the share the bank may change. */
export interface CreditRules {
  /** "Credit line greater than 80% of LC amount": the percentage the credit line must exceed. */
  readonly creditLinePercent: number;
}

/** Credit lines are in US dollars, as LCs are. */
export const CREDIT_LINE_CURRENCY = 'USD';

export const DEFAULT_CREDIT_RULES: CreditRules = { creditLinePercent: 80 };

const usd = (cents: number) => moneyText(cents, CREDIT_LINE_CURRENCY);

const rejected = (remarks: string): Decision => ({ approved: false, remarks });

/**
 * Applicant credit: approved when the applicant's credit line is greater than the percentage of the LC amount
 * (exactly that share is not enough). An applicant who is not a customer, or who has no credit line yet, is
 * rejected, as is an amount in another currency than the credit line's.
 */
export function applicantCredit(
  application: Application,
  applicant: Applicant | undefined,
  rules: CreditRules,
): Decision {
  if (!applicant) return rejected('the applicant is not a customer of the bank');
  const { creditLineCents } = applicant;
  if (creditLineCents === undefined) return rejected('the applicant has no credit line yet');
  const { amountCents, currency } = application;
  if (currency !== CREDIT_LINE_CURRENCY) {
    return rejected(
      `the credit line is in ${CREDIT_LINE_CURRENCY}: an LC in ${currency} cannot be weighed against it`,
    );
  }
  // In whole numbers: the credit line times 100 against the amount times the percentage.
  if (BigInt(creditLineCents) * 100n > BigInt(amountCents) * BigInt(rules.creditLinePercent)) {
    return { approved: true, remarks: '' };
  }
  return rejected(
    `the credit line ${usd(creditLineCents)} is not greater than ${rules.creditLinePercent}% of the LC amount ` +
      `${usd(amountCents)}`,
  );
}
