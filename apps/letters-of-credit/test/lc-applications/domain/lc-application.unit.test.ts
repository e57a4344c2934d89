import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { lcApplicationEventTypes } from '../../../src/lc-applications/domain/events.js';
import * as LCApplication from '../../../src/lc-applications/domain/lc-application.js';
import type { Merchandise } from '../../../src/lc-applications/domain/values.js';

const spec = aggregateSpec(LCApplication.aggregate);
const usd = (dollars: number) => ({ cents: Math.round(dollars * 100), currency: 'USD' });
const merchandise: Merchandise = {
  items: [
    { productId: '2c0f6fd4-8d43-4f8a-8f0e-4a5f0ac1d001', quantity: 2 },
    { productId: '2c0f6fd4-8d43-4f8a-8f0e-4a5f0ac1d002', quantity: 2 },
  ],
};
const now = new Date('2026-12-06T10:00:00.000Z');
const started = {
  type: 'lc.LCApplicationStarted',
  data: { applicantId: 'applicant-1', clientReference: 'My LC' },
} as const;
const amountChanged = { type: 'lc.LCAmountChanged', data: { amount: usd(1000) } } as const;
const merchandiseChanged = { type: 'lc.MerchandiseChanged', data: { merchandise } } as const;
/** The book's common given (§9.7, G): started, an amount of USD 1000, merchandise of two items. */
const G = [started, amountChanged, merchandiseChanged] as const;
const submitted = {
  type: 'lc.LCApplicationSubmitted',
  data: { amount: usd(1000), submittedAt: now.toISOString() },
} as const;
const approved = { type: 'lc.LCApplicationApproved', data: { by: 'manager' } } as const;
const declined = { type: 'lc.LCApplicationDeclined', data: {} } as const;
const canceled = { type: 'lc.LCApplicationCanceled', data: { by: 'applicant' } } as const;
const clear = { now, countrySanctioned: false };
const wakanda = {
  name: 'Wakanda Vibranium Exports',
  address: { lines: ['1 Palace Road'], city: 'Birnin Zana', country: 'XW' },
};

describe('starting an LC application (§9.3, acceptance 1 and 3)', () => {
  it('starts a draft with exactly one event', () => {
    const state = spec
      .given()
      .when((s) => LCApplication.start(s, { applicantId: 'applicant-1', clientReference: 'My LC' }))
      .thenEvents(started);
    expect(state.status).toBe('draft');
  });

  it.each(['', ' ', '      ', '123', ' 12 '])(
    'refuses the client reference %j: fewer than 4 characters once trimmed',
    (reference) => {
      spec
        .given()
        .when((s) => LCApplication.start(s, { applicantId: 'applicant-1', clientReference: reference }))
        .thenFails({ kind: 'invalid_argument', code: 'client_reference_too_short' });
    },
  );

  it('accepts exactly 4 characters, and trims', () => {
    spec
      .given()
      .when((s) => LCApplication.start(s, { applicantId: 'a', clientReference: ' 1234 ' }))
      .thenEvents({ type: 'lc.LCApplicationStarted', data: { applicantId: 'a', clientReference: '1234' } });
  });

  it('records nothing when the same start is repeated, and refuses another start under the same id', () => {
    spec
      .given(started)
      .when((s) => LCApplication.start(s, { applicantId: 'applicant-1', clientReference: 'My LC' }))
      .thenEvents();
    spec
      .given(started)
      .when((s) => LCApplication.start(s, { applicantId: 'applicant-2', clientReference: 'My LC' }))
      .thenFails({ kind: 'already_exists', code: 'lc_application_exists' });
  });
});

describe('changing a draft (§9.7 tests 23–25, 35–37; acceptance 5–8)', () => {
  it('changes the amount, as often as asked', () => {
    spec
      .given(started)
      .when((s) => LCApplication.changeAmount(s, usd(1000)))
      .thenEvents(amountChanged);
    spec
      .given(started, { type: 'lc.LCAmountChanged', data: { amount: usd(5000) } })
      .when((s) => LCApplication.changeAmount(s, usd(1000)))
      .thenEvents(amountChanged);
  });

  it.each([
    [usd(0), 'lc_amount_invalid'],
    [usd(-100), 'lc_amount_invalid'],
    [{ cents: 100_000, currency: 'EUR' }, 'lc_currency_not_supported'],
    [usd(500_000.01), 'lc_amount_above_maximum'],
  ])('refuses the amount %j (%s)', (amount, code) => {
    spec
      .given(started)
      .when((s) => LCApplication.changeAmount(s, amount))
      .thenFails({ code });
  });

  it('accepts exactly USD 500,000.00, the maximum', () => {
    spec
      .given(started)
      .when((s) => LCApplication.changeAmount(s, usd(500_000)))
      .thenEvents({ type: 'lc.LCAmountChanged', data: { amount: usd(500_000) } });
  });

  it('changes the merchandise', () => {
    spec
      .given(started)
      .when((s) => LCApplication.changeMerchandise(s, merchandise))
      .thenEvents(merchandiseChanged);
  });

  it('refuses a beneficiary in a sanctioned country (Sokovia), accepts one elsewhere (Wakanda)', () => {
    const sokovia = { ...wakanda, address: { ...wakanda.address, country: 'XS' } };
    spec
      .given(started)
      .when((s) => LCApplication.changeBeneficiary(s, sokovia, { countrySanctioned: true }))
      .thenFails({
        code: 'cannot_trade_with_sanctioned_country',
        message: 'Import from this country is currently prohibited!',
      });
    spec
      .given(started)
      .when((s) => LCApplication.changeBeneficiary(s, wakanda, { countrySanctioned: false }))
      .thenEvents({ type: 'lc.BeneficiaryInformationChanged', data: wakanda });
  });

  it('records nothing when the advising bank is the one it has (§2.4)', () => {
    const bank = { bic: 'WAKAWKWKXXX', name: 'Bank of Wakanda', country: 'XW' };
    spec
      .given(started)
      .when((s) => LCApplication.changeAdvisingBank(s, bank))
      .thenEvents({
        type: 'lc.AdvisingBankChanged',
        data: { advisingBank: bank },
      });
    spec
      .given(started, { type: 'lc.AdvisingBankChanged', data: { advisingBank: bank } })
      .when((s) => LCApplication.changeAdvisingBank(s, bank))
      .thenEvents();
  });

  it('wants an expiry date after today', () => {
    spec
      .given(started)
      .when((s) => LCApplication.changeExpiryDate(s, '2026-12-06', { today: '2026-12-06' }))
      .thenFails({ code: 'lc_expiry_date_not_in_future' });
    spec
      .given(started)
      .when((s) => LCApplication.changeExpiryDate(s, '2026-12-07', { today: '2026-12-06' }))
      .thenEvents({ type: 'lc.ExpiryDateChanged', data: { expiryDate: '2026-12-07' } });
  });

  const changes: Array<[string, (state: LCApplication.State) => LCApplication.Event[]]> = [
    ['applicant', (s) => LCApplication.changeApplicant(s, wakanda)],
    ['beneficiary', (s) => LCApplication.changeBeneficiary(s, wakanda, { countrySanctioned: false })],
    [
      'advising bank',
      (s) => LCApplication.changeAdvisingBank(s, { bic: 'WAKAWKWK', name: 'B', country: 'XW' }),
    ],
    ['amount', (s) => LCApplication.changeAmount(s, usd(1))],
    ['merchandise', (s) => LCApplication.changeMerchandise(s, merchandise)],
    ['documents', (s) => LCApplication.changeDocuments(s, ['Certificate of origin'])],
    [
      'conditions',
      (s) =>
        LCApplication.changeConditions(s, {
          revocable: false,
          transferable: true,
          tenor: { kind: 'at-sight' },
          additional: [],
        }),
    ],
    ['expiry date', (s) => LCApplication.changeExpiryDate(s, '2027-06-30', { today: '2026-12-06' })],
  ];

  it.each(changes)('refuses a change of the %s once submitted, and once canceled', (_task, change) => {
    spec
      .given(...G, submitted)
      .when(change)
      .thenFails({ kind: 'failed_precondition', code: 'lc_application_already_submitted' });
    spec
      .given(...G, submitted, approved)
      .when(change)
      .thenFails({ code: 'lc_application_already_submitted' });
    spec.given(started, canceled).when(change).thenFails({ code: 'lc_application_canceled' });
    spec.given().when(change).thenFails({ kind: 'not_found', code: 'lc_application_not_found' });
  });
});

describe('submitting (§2.3.2 in its order; §9.7 tests 26, 33, 34)', () => {
  it('submits a draft with an amount and merchandise', () => {
    const state = spec
      .given(...G)
      .when((s) => LCApplication.submit(s, clear))
      .thenEvents(submitted);
    expect(state.status).toBe('submitted');
  });

  it('checks the amount, then its sign, then the merchandise, then the state', () => {
    spec
      .given(started)
      .when((s) => LCApplication.submit(s, clear))
      .thenFails({ code: 'lc_amount_missing' });
    // Without amount AND merchandise, the amount is named first.
    spec
      .given(started, merchandiseChanged)
      .when((s) => LCApplication.submit(s, clear))
      .thenFails({ code: 'lc_amount_missing' });
    spec
      .given(started, { type: 'lc.LCAmountChanged', data: { amount: usd(0) } })
      .when((s) => LCApplication.submit(s, clear))
      .thenFails({ code: 'lc_amount_invalid' });
    spec
      .given(started, amountChanged)
      .when((s) => LCApplication.submit(s, clear))
      .thenFails({ code: 'lc_merchandise_missing' });
    spec
      .given(...G, submitted)
      .when((s) => LCApplication.submit(s, clear))
      .thenFails({ code: 'lc_application_already_submitted' });
  });

  it('refuses when the beneficiary country has been sanctioned since it was entered', () => {
    spec
      .given(...G)
      .when((s) => LCApplication.submit(s, { now, countrySanctioned: true }))
      .thenFails({ code: 'cannot_trade_with_sanctioned_country' });
  });
});

describe('deciding (§9.7 tests 30, 31, 38–40)', () => {
  it('approves or declines a submitted application', () => {
    expect(
      spec
        .given(...G, submitted)
        .when((s) => LCApplication.approve(s, { by: 'manager' }))
        .thenEvents(approved).status,
    ).toBe('approved');
    expect(
      spec
        .given(...G, submitted)
        .when((s) => LCApplication.decline(s, {}))
        .thenEvents(declined).status,
    ).toBe('declined');
    spec
      .given(...G, submitted)
      .when((s) => LCApplication.decline(s, { reason: 'credit line too small' }))
      .thenEvents({ type: 'lc.LCApplicationDeclined', data: { reason: 'credit line too small' } });
  });

  it('decides nothing that is not submitted', () => {
    for (const history of [[started], [...G], [...G, submitted, declined], [...G, submitted, approved]]) {
      spec
        .given(...history)
        .when((s) => LCApplication.approve(s, { by: 'manager' }))
        .thenFails({ code: 'lc_application_not_submitted' });
      spec
        .given(...history)
        .when((s) => LCApplication.decline(s, {}))
        .thenFails({ code: 'lc_application_not_submitted' });
    }
    spec
      .given(started, canceled)
      .when((s) => LCApplication.approve(s, { by: 'manager' }))
      .thenFails({ code: 'lc_application_canceled' });
  });

  it("makes the saga's approval of an approved application a no-op: one approval, whoever was first", () => {
    spec
      .given(...G, submitted, approved)
      .when((s) => LCApplication.approve(s, { by: 'auto-approval' }))
      .thenEvents();
    spec
      .given(...G, submitted, declined)
      .when((s) => LCApplication.approve(s, { by: 'auto-approval' }))
      .thenFails({ code: 'lc_application_not_submitted' });
  });
});

describe('canceling', () => {
  it('cancels a draft or a submitted application, nothing decided', () => {
    spec
      .given(started)
      .when((s) => LCApplication.cancel(s, { by: 'applicant' }))
      .thenEvents(canceled);
    spec
      .given(...G, submitted)
      .when((s) => LCApplication.cancel(s, { by: 'staff' }))
      .thenEvents({ type: 'lc.LCApplicationCanceled', data: { by: 'staff' } });
    spec
      .given(...G, submitted, approved)
      .when((s) => LCApplication.cancel(s, { by: 'applicant' }))
      .thenFails({ code: 'lc_application_decided' });
    spec
      .given(started, canceled)
      .when((s) => LCApplication.cancel(s, { by: 'applicant' }))
      .thenFails({ code: 'lc_application_canceled' });
  });
});

describe('reminders (§9.7 tests 27–29, 32)', () => {
  const pending = (reminder: number) => ({ type: 'lc.LCApprovalPending', data: { reminder } }) as const;
  it('reminds twice, then the application is past due, then nothing', () => {
    spec
      .given(...G, submitted)
      .when((s) => LCApplication.remind(s, { reminder: 1 }))
      .thenEvents(pending(1));
    spec
      .given(...G, submitted, pending(1))
      .when((s) => LCApplication.remind(s, { reminder: 2 }))
      .thenEvents(pending(2));
    const pastDue = spec
      .given(...G, submitted, pending(1), pending(2))
      .when((s) => LCApplication.remind(s, { reminder: 3 }))
      .thenEvents({ type: 'lc.LCApprovalPastDue', data: {} });
    expect(pastDue).toMatchObject({ status: 'submitted', approvalReminders: 2, pastDue: true });
    spec
      .given(...G, submitted, pending(1), pending(2), { type: 'lc.LCApprovalPastDue', data: {} })
      .when((s) => LCApplication.remind(s, { reminder: 4 }))
      .thenEvents();
  });

  it('records a reminder that comes twice once', () => {
    spec
      .given(...G, submitted, pending(1))
      .when((s) => LCApplication.remind(s, { reminder: 1 }))
      .thenEvents();
  });

  it('reminds nobody of a decided or canceled application', () => {
    for (const end of [approved, declined, canceled]) {
      spec
        .given(...G, submitted, end)
        .when((s) => LCApplication.remind(s, { reminder: 1 }))
        .thenEvents();
    }
  });
});

describe('the tasks an application allows (the hypermedia links)', () => {
  it('offers submit only with an amount and merchandise, and decisions only once submitted', () => {
    expect(LCApplication.allowedTasks(spec.given(started).state)).not.toContain('submit');
    expect(LCApplication.allowedTasks(spec.given(...G).state)).toEqual([
      ...LCApplication.CHANGE_TASKS,
      'submit',
      'cancel',
    ]);
    expect(LCApplication.allowedTasks(spec.given(...G, submitted).state)).toEqual([
      'approve',
      'decline',
      'cancel',
    ]);
    expect(LCApplication.allowedTasks(spec.given(...G, submitted, approved).state)).toEqual([]);
  });
});

describe('stored events', () => {
  it('registers every event type once, BeneficiaryInformationChanged at version 3', () => {
    const names = lcApplicationEventTypes.map((type) => type.name);
    expect(new Set(names).size).toBe(names.length);
    expect(
      lcApplicationEventTypes.find((type) => type.name === 'lc.BeneficiaryInformationChanged')?.version,
    ).toBe(3);
  });
});
