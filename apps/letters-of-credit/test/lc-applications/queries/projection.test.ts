import { randomUUID } from 'node:crypto';
import { testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, type QueryHost, startQueryHost, unknownId } from './support.js';

const HOST_START_MS = 60_000;
let applicants = 0;
const newApplicant = () => `applicant-${++applicants}-${randomUUID().slice(0, 8)}`;

describe.each(testSetups)('LCView on $backend.backend with the $broker broker', ({ backend, broker }) => {
  let api: QueryHost;

  beforeAll(async () => {
    api = await startQueryHost(backend, broker);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('shows a started application as a draft, and follows its edits', async () => {
    const ada = newApplicant();
    const id = await api.draft(ada, { reference: 'Green coffee' });
    await api.caughtUp();
    const started = await api.item(id);
    expect(started).toMatchObject({
      id,
      applicantId: ada,
      clientReference: 'Green coffee',
      status: 'draft',
      checks: { productValue: 'pending', productLegality: 'pending', applicantCredit: 'pending' },
      approvalReminders: 0,
      pastDue: false,
      queues: [],
    });
    expect(started.amount).toBeUndefined();
    expect(started._links).not.toHaveProperty('submit');
    const applicant = api.applicant(ada);
    const [draft] = (await api.list('/api/lc-applications/my-drafts', applicant))._embedded[
      'lc-applications'
    ];
    expect(draft!._links).not.toHaveProperty('submit');

    await api.done(
      applicant.call('POST', `/api/lc-applications/${id}/change-amount`, { amount: 250.5, currency: 'USD' }),
    );
    await api.caughtUp();
    const priced = await api.item(id);
    expect(priced.amount).toEqual({ amount: 250.5, currency: 'USD' });
    expect(Date.parse(priced.updatedAt)).toBeGreaterThanOrEqual(Date.parse(started.updatedAt));

    await api.done(
      applicant.call('POST', `/api/lc-applications/${id}/change-merchandise`, {
        items: [{ productId: randomUUID(), quantity: 3 }],
      }),
    );
    await api.caughtUp();
    // With an amount and merchandise, the draft may be submitted: the link says so, to its applicant.
    expect((await api.item(id))._links).not.toHaveProperty('submit');
    const [own] = (await api.list('/api/lc-applications/my-drafts', applicant))._embedded['lc-applications'];
    expect(own!.id).toBe(id);
    expect(Object.keys(own!._links)).toEqual(
      expect.arrayContaining(['self', 'submit', 'change-amount', 'cancel']),
    );
  });

  it('leaves DRAFT on submit, and follows the decision: approved, declined, canceled', async () => {
    const ada = newApplicant();
    const [approved, declined, canceled, canceledDraft] = [
      await api.submitted(ada, 'To approve'),
      await api.submitted(ada, 'To decline'),
      await api.submitted(ada, 'To cancel'),
      await api.draft(ada, { reference: 'Never sent' }),
    ];
    await api.caughtUp();
    const submitted = await api.item(approved);
    expect(submitted).toMatchObject({
      status: 'submitted',
      amount: { amount: 1000, currency: 'USD' },
      queues: ['pending-product-validation', 'pending-applicant-validation', 'pending-approval'],
    });
    expect(submitted.submittedAt).toBeDefined();
    expect(Object.keys(submitted._links).sort()).toEqual(['approve', 'cancel', 'decline', 'self']);

    await api.done(api.desk.call('POST', `/api/lc-applications/${approved}/approve`));
    await api.done(api.desk.call('POST', `/api/lc-applications/${declined}/decline`, { reason: 'No' }));
    await api.done(api.applicant(ada).call('POST', `/api/lc-applications/${canceled}/cancel`));
    await api.done(api.applicant(ada).call('POST', `/api/lc-applications/${canceledDraft}/cancel`));
    await api.caughtUp();
    for (const [id, status, queues] of [
      [approved, 'approved', ['approved']],
      [declined, 'declined', []],
      [canceled, 'canceled', []],
      [canceledDraft, 'canceled', []],
    ] as const) {
      const item = await api.item(id);
      expect(item).toMatchObject({ status, queues });
      expect(item.closedAt).toBeDefined();
      // Decided or withdrawn: nothing more to do with it.
      expect(Object.keys(item._links)).toEqual(['self']);
    }
  });

  it("takes each partner's check into the view, once however often it is told", async () => {
    const ada = newApplicant();
    const id = await api.submitted(ada);
    const value = await api.check(id, 'productValue', true);
    await api.check(id, 'productLegality', false);
    await api.settled();
    expect((await api.item(id)).checks).toEqual({
      productValue: 'approved',
      productLegality: 'rejected',
      applicantCredit: 'pending',
    });

    // A redelivered message, and the same decision sent again, record nothing.
    await api.republish(value);
    await api.check(id, 'productValue', true);
    await api.check(id, 'applicantCredit', true, ada);
    await api.settled();
    expect((await api.item(id)).checks).toEqual({
      productValue: 'approved',
      productLegality: 'rejected',
      applicantCredit: 'approved',
    });
    const { rows } = await api.db.query<{ event_type: string }>(
      'SELECT event_type FROM lc_applications.events WHERE stream_name = $1 ORDER BY position',
      [`lc.LCApplicationChecks-${id}`],
    );
    expect(rows.map((row) => row.event_type)).toEqual([
      'lc.ProductValueValidated',
      'lc.ProductLegalityValidated',
      'lc.ApplicantCreditValidated',
    ]);
  });

  it('passes over a check of an application it does not have', async () => {
    const id = unknownId();
    await api.check(id, 'productValue', true);
    await api.settled();
    const { rows } = await api.db.query('SELECT 1 FROM lc_applications.events WHERE stream_name LIKE $1', [
      `%${id}`,
    ]);
    expect(rows).toEqual([]);
  });

  it('counts the reminders, then shows the application past due', async () => {
    const id = await api.submitted(newApplicant());
    await api.caughtUp();
    const remindedAfter = async (
      days: number,
      expected: Partial<{ approvalReminders: number; pastDue: boolean }>,
    ) => {
      api.clock.advance(days * DAY_MS);
      // The deadline fires through the broker and the aggregate; the view shows it once projected.
      await new Promise<void>((resolve) => {
        const unwatch = api.projectors.view.watch(async () => {
          const { rows } = await api.db.query<{ approval_reminders: number; past_due: boolean }>(
            'SELECT approval_reminders, past_due FROM lc_applications.lc_view WHERE id = $1',
            [id],
          );
          const row = rows[0]!;
          if (
            row.approval_reminders === (expected.approvalReminders ?? row.approval_reminders) &&
            row.past_due === (expected.pastDue ?? row.past_due)
          ) {
            unwatch();
            resolve();
          }
        });
      });
    };
    await remindedAfter(10, { approvalReminders: 1 });
    await remindedAfter(10, { approvalReminders: 2 });
    await remindedAfter(10, { pastDue: true });
    expect(await api.item(id)).toMatchObject({ status: 'submitted', approvalReminders: 2, pastDue: true });
  });
});
