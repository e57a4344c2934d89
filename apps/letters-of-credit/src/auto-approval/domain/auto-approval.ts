/**
 * The auto-approval policy (§5.1, §5.2): a submitted application worth at most USD 10,000 is approved without a
 * person once its three checks are favourable; anything else is left to trade finance. Pure: the saga feeds it
 * what it hears and does what it says.
 */

/**
 * The most an application may be worth and be approved automatically, in cents. The book's text says "lesser
 * than"; its code and tests keep the saga at exactly USD 10,000, and so do we: 10,000.00 is auto-approvable,
 * 10,000.01 is not.
 */
export const AUTO_APPROVAL_LIMIT_CENTS = 1_000_000;
/** LCs are issued in US dollars only; an amount in another currency is never compared, only left to a person. */
export const AUTO_APPROVAL_CURRENCY = 'USD';

/** The three checks other departments make of a submitted application. */
export type Check = 'productValue' | 'productLegality' | 'applicantCredit';
export const CHECKS: readonly Check[] = ['productValue', 'productLegality', 'applicantCredit'];

/** A check's outcome as its department states it. */
export interface Decision {
  readonly approved: boolean;
  readonly remarks?: string;
}

/** Why an auto-approval is over. */
export type EndReason =
  | 'not-eligible'
  | 'check-rejected'
  | 'approved'
  | 'declined'
  | 'canceled'
  | 'approval-refused';

export interface Ending {
  readonly reason: EndReason;
  /** What the operators are told: which check and its remarks, who approved, the refusal's reason. */
  readonly detail?: string;
}

/** One application's auto-approval between two messages (persisted after each one). */
export interface AutoApproval {
  readonly lcApplicationId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The checks that came back approved, in the order they came, each once. */
  readonly passed: readonly Check[];
  /** Set when the approval is asked for: it is asked once, whatever comes again afterwards. */
  readonly approvalRequested: boolean;
  readonly ending?: Ending;
}

/** What the saga does after a message: its new state, whether to ask for the approval, whether it is over. */
export interface Move {
  readonly state: AutoApproval;
  readonly approve: boolean;
  readonly end: boolean;
}

const stay = (state: AutoApproval): Move => ({ state, approve: false, end: false });
const end = (state: AutoApproval, ending: Ending): Move => ({
  state: { ...state, ending },
  approve: false,
  end: true,
});

/** Why an amount cannot be approved automatically, or undefined when it can. */
export function ineligibility(amount: { amountCents: number; currency: string }): string | undefined {
  if (amount.currency !== AUTO_APPROVAL_CURRENCY) return `the amount is in ${amount.currency}, not USD`;
  if (amount.amountCents > AUTO_APPROVAL_LIMIT_CENTS) return 'the amount is over USD 10,000.00';
  return undefined;
}

/** An application was submitted: the saga waits for its checks, or ends at once when it is not eligible. */
export function submitted(application: {
  lcApplicationId: string;
  amountCents: number;
  currency: string;
}): Move {
  const state: AutoApproval = {
    lcApplicationId: application.lcApplicationId,
    amountCents: application.amountCents,
    currency: application.currency,
    passed: [],
    approvalRequested: false,
  };
  const why = ineligibility(application);
  return why ? end(state, { reason: 'not-eligible', detail: why }) : stay(state);
}

/**
 * A check came back. A rejection ends the saga (the application waits for a person); an approval counts once,
 * and the third distinct one asks for the approval, once: a check heard again changes nothing.
 */
export function checked(state: AutoApproval, check: Check, decision: Decision): Move {
  if (!decision.approved) {
    const remarks = decision.remarks ? `: ${decision.remarks}` : '';
    return end(state, { reason: 'check-rejected', detail: `${check}${remarks}` });
  }
  const passed = state.passed.includes(check) ? state.passed : [...state.passed, check];
  const ready = CHECKS.every((each) => passed.includes(each));
  if (!ready || state.approvalRequested) return stay({ ...state, passed });
  return { state: { ...state, passed, approvalRequested: true }, approve: true, end: false };
}

/** Trade finance (or the saga itself) decided, or the application was withdrawn: nothing is left to do. */
export const decided = (
  state: AutoApproval,
  decision: { reason: 'approved' | 'declined' | 'canceled'; detail?: string },
): Move => end(state, decision);

/** The approval was refused (a person decided meanwhile): recorded, and over. */
export const approvalRefused = (state: AutoApproval, reason: string): Move =>
  end(state, { reason: 'approval-refused', detail: reason });
