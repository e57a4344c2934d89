import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import {
  evolveView,
  type LCView,
  queuesOf,
  type ViewEvent,
} from '../../../src/lc-applications/application/lc-view.js';
import * as Checks from '../../../src/lc-applications/domain/checks.js';

const id = '6f1c1f9e-3a57-4b8e-9c1d-2f0a5f3b7c11';
const productId = '0b6e3a52-8d2f-4f0e-b3c8-7d5a9e1f2c44';
let position = 0;
const at = (day: number) => new Date(Date.UTC(2025, 0, day));
const event = (type: string, data: unknown, stream = `lc.LCApplication-${id}`): ViewEvent => ({
  type,
  data,
  streamName: stream,
  position: ++position,
  recordedAt: at(position),
});
const checked = (type: Checks.CheckEventType, approved: boolean) =>
  event(type, { approved }, `lc.LCApplicationChecks-${id}`);

const started = () => event('lc.LCApplicationStarted', { applicantId: 'ada', clientReference: 'Coffee' });
const usd = (cents: number) => ({ cents, currency: 'USD' });
const merchandise = { items: [{ productId, quantity: 2 }] };

const fold = (...events: ViewEvent[]) =>
  events.reduce<LCView | undefined>((view, next) => evolveView(view, next), undefined);

describe('LCView, folded from the events', () => {
  it('starts as a draft with every check pending, in no queue, from LCApplicationStarted', () => {
    const start = started();
    expect(fold(start)).toEqual({
      id,
      applicantId: 'ada',
      clientReference: 'Coffee',
      status: 'draft',
      checks: { productValue: 'pending', productLegality: 'pending', applicantCredit: 'pending' },
      approvalReminders: 0,
      pastDue: false,
      startedAt: start.recordedAt,
      updatedAt: start.recordedAt,
      position: start.position,
      queues: [],
      queuesEntered: [],
    });
  });

  it('follows every event that changes what it shows, each moving its position and time', () => {
    const history = [
      started(),
      event('lc.LCAmountChanged', { amount: usd(5000_00) }),
      event('lc.LCAmountChanged', { amount: usd(1000_00) }),
      event('lc.MerchandiseChanged', { merchandise }),
      event('lc.DocumentsChanged', { documents: ['Invoice'] }),
    ];
    const draft = fold(...history)!;
    expect(draft).toMatchObject({ status: 'draft', amount: usd(1000_00), merchandise, queues: [] });
    expect(draft.position).toBe(history.at(-1)!.position);
    expect(draft.updatedAt).toEqual(history.at(-1)!.recordedAt);

    const submit = event('lc.LCApplicationSubmitted', {
      amount: usd(1000_00),
      submittedAt: '2025-02-01T10:00:00.000Z',
    });
    const submitted = evolveView(draft, submit)!;
    // The reference's view never left DRAFT: this one does.
    expect(submitted).toMatchObject({
      status: 'submitted',
      amount: usd(1000_00),
      submittedAt: new Date('2025-02-01T10:00:00.000Z'),
      queues: ['pending-product-validation', 'pending-applicant-validation', 'pending-approval'],
    });
    const reminded = fold(...history, submit, event('lc.LCApprovalPending', { reminder: 1 }))!;
    expect(reminded.approvalReminders).toBe(1);
    const twice = evolveView(reminded, event('lc.LCApprovalPending', { reminder: 2 }))!;
    expect(twice.approvalReminders).toBe(2);
    const pastDue = evolveView(twice, event('lc.LCApprovalPastDue', {}))!;
    expect(pastDue).toMatchObject({ pastDue: true, status: 'submitted' });

    for (const [type, status] of [
      ['lc.LCApplicationApproved', 'approved'],
      ['lc.LCApplicationDeclined', 'declined'],
      ['lc.LCApplicationCanceled', 'canceled'],
    ] as const) {
      const close = event(type, type.endsWith('Approved') ? { by: 'manager' } : {});
      const closed = evolveView(submitted, close)!;
      expect(closed).toMatchObject({ status, closedAt: close.recordedAt, position: close.position });
      expect(closed.queues).toEqual(status === 'approved' ? ['approved'] : []);
      // Left behind, but remembered: a live queue tells it left.
      expect(closed.queuesEntered).toEqual(
        expect.arrayContaining(['pending-product-validation', 'pending-approval']),
      );
    }
  });

  it('moves on for the draft’s other edits too, though lists do not show those parts', () => {
    const address = { lines: ['1 Quay'], city: 'Port', country: 'XW' };
    const draft = fold(started())!;
    for (const [type, data] of [
      ['lc.ApplicantChanged', { applicant: { name: 'Ada', address } }],
      ['lc.BeneficiaryInformationChanged', { name: 'Wakanda Coffee', address }],
      ['lc.AdvisingBankChanged', { advisingBank: { bic: 'WAKAXWXX', name: 'Bank', country: 'XW' } }],
      ['lc.DocumentsChanged', { documents: ['Invoice'] }],
      [
        'lc.ConditionsChanged',
        {
          conditions: { revocable: false, transferable: false, tenor: { kind: 'at-sight' }, additional: [] },
        },
      ],
      ['lc.ExpiryDateChanged', { expiryDate: '2026-01-01' }],
    ] as const) {
      const edit = event(type, data);
      const after = evolveView(draft, edit)!;
      expect(after, type).toEqual({ ...draft, updatedAt: edit.recordedAt, position: edit.position });
    }
    // An event it does not know (a later version's) is passed over.
    expect(evolveView(draft, event('lc.SomethingNew', {}))).toBe(draft);
  });

  it("takes each partner's check into its flag and the work queues", () => {
    const submitted = fold(
      started(),
      event('lc.LCApplicationSubmitted', { amount: usd(1_00), submittedAt: '2025-02-01T00:00:00.000Z' }),
    )!;
    const value = evolveView(submitted, checked('lc.ProductValueValidated', true))!;
    expect(value.checks.productValue).toBe('approved');
    expect(value.queues).toContain('pending-product-validation');
    const legality = evolveView(value, checked('lc.ProductLegalityValidated', false))!;
    expect(legality.checks).toMatchObject({ productValue: 'approved', productLegality: 'rejected' });
    expect(legality.queues).toEqual(['pending-applicant-validation', 'pending-approval']);
    const credit = evolveView(legality, checked('lc.ApplicantCreditValidated', true))!;
    expect(credit.checks.applicantCredit).toBe('approved');
    expect(credit.queues).toEqual(['pending-approval']);
  });

  it('changes nothing for an event it has already applied, or for an application never started', () => {
    const start = started();
    const amount = event('lc.LCAmountChanged', { amount: usd(7_00) });
    const view = fold(start, amount)!;
    expect(evolveView(view, amount)).toBe(view);
    expect(evolveView(view, start)).toBe(view);
    expect(evolveView(undefined, event('lc.LCAmountChanged', { amount: usd(1) }))).toBeUndefined();
    expect(evolveView(undefined, checked('lc.ApplicantCreditValidated', true))).toBeUndefined();
  });

  it('puts an application in the queues its status and checks say', () => {
    const pending = Checks.aggregate.initialState;
    expect(queuesOf({ status: 'draft', checks: pending })).toEqual([]);
    expect(queuesOf({ status: 'approved', checks: pending })).toEqual(['approved']);
    for (const status of ['declined', 'canceled'] as const)
      expect(queuesOf({ status, checks: pending })).toEqual([]);
    const allIn = {
      productValue: 'approved',
      productLegality: 'approved',
      applicantCredit: 'rejected',
    } as const;
    expect(queuesOf({ status: 'submitted', checks: allIn })).toEqual(['pending-approval']);
  });
});

describe("the partners' checks, as recorded", () => {
  const spec = aggregateSpec(Checks.aggregate);

  it('records a decision, in the check’s own words', () => {
    spec
      .given()
      .when((state) => Checks.record(state, 'productLegality', { approved: false, remarks: 'Drugs' }))
      .thenEvents({ type: 'lc.ProductLegalityValidated', data: { approved: false, remarks: 'Drugs' } });
  });

  it('records nothing for the same decision again, and the new one when it changes', () => {
    const approved = { type: 'lc.ApplicantCreditValidated', data: { approved: true } } as const;
    spec
      .given(approved)
      .when((state) => Checks.record(state, 'applicantCredit', { approved: true, remarks: 'again' }))
      .thenEvents();
    const state = spec
      .given(approved)
      .when((current) => Checks.record(current, 'applicantCredit', { approved: false }))
      .thenEvents({ type: 'lc.ApplicantCreditValidated', data: { approved: false } });
    expect(state).toEqual({
      productValue: 'pending',
      productLegality: 'pending',
      applicantCredit: 'rejected',
    });
  });
});
