import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import type { LettersOfCreditWorld } from '../support/world.js';

/**
 * Why a task is refused, in the business's words, and how the system says it: a 4xx problem whose `code`
 * names the broken rule (a client reads the code; a person, its detail).
 */
const REFUSALS: Record<string, { status: number; code: string }> = {
  'the client reference is too short': { status: 400, code: 'client_reference_too_short' },
  'the address could not be verified': { status: 400, code: 'applicant_address_not_found' },
  'LCs are issued only in US dollars': { status: 400, code: 'lc_currency_not_supported' },
  'an LC may be worth at most USD 500,000.00': { status: 400, code: 'lc_amount_above_maximum' },
  'the expiry date is not after today': { status: 400, code: 'lc_expiry_date_not_in_future' },
  'it is not theirs': { status: 403, code: 'not_yours' },
  'only trade finance decides': { status: 403, code: 'forbidden' },
  'it has no amount': { status: 409, code: 'lc_amount_missing' },
  'it has no merchandise': { status: 409, code: 'lc_merchandise_missing' },
  'it was already submitted': { status: 409, code: 'lc_application_already_submitted' },
  'it was canceled': { status: 409, code: 'lc_application_canceled' },
  'it was already decided': { status: 409, code: 'lc_application_decided' },
  'it is not submitted': { status: 409, code: 'lc_application_not_submitted' },
  'import from that country is prohibited': { status: 409, code: 'cannot_trade_with_sanctioned_country' },
};

Then(/^it is refused because (.+)$/, function (this: LettersOfCreditWorld, reason: string) {
  const expected = REFUSALS[reason];
  if (!expected) {
    throw new Error(`no refusal "${reason}"; known: ${Object.keys(REFUSALS).join('; ')}`);
  }
  const last = this.last;
  assert.ok(last, 'nothing was asked of the system');
  const answered = `${last.method} ${last.path} answered ${last.status}: ${JSON.stringify(last.body)}`;
  assert.equal(last.status, expected.status, answered);
  assert.equal(last.body?.code, expected.code, answered);
});
