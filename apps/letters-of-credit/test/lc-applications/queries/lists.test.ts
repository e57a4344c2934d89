import { randomUUID } from 'node:crypto';
import { expectPagedList, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, itemsOf, type LCList, type QueryHost, startQueryHost } from './support.js';

const HOST_START_MS = 60_000;
let applicants = 0;
const newApplicant = () => `applicant-${++applicants}-${randomUUID().slice(0, 8)}`;
const idsOf = (list: LCList) => list._embedded['lc-applications'].map((item) => item.id);
const QUEUES = [
  'pending-product-validation',
  'pending-applicant-validation',
  'pending-approval',
  'approved',
] as const;

describe.each(testDatabases)('the LC application queries on $backend', (backend) => {
  let api: QueryHost;

  beforeAll(async () => {
    api = await startQueryHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  /** Every id a list gives, page after page, as `caller` sees it. */
  const everyId = async (url: string, caller = api.desk) => {
    const ids: string[] = [];
    let next: string | undefined;
    do {
      const separator = url.includes('?') ? '&' : '?';
      const page = await api.list(`${url}${separator}limit=100${next ? `&after=${next}` : ''}`, caller);
      ids.push(...idsOf(page));
      next = page.next;
    } while (next);
    return ids;
  };

  /** One application in each state, of applicants nobody else uses. */
  const oneOfEach = async () => {
    const applicant = newApplicant;
    const draft = await api.draft(applicant());
    const submitted = await api.submitted(applicant());
    const approved = await api.submitted(applicant());
    const declined = await api.submitted(applicant());
    const canceled = await api.submitted(applicant());
    await api.done(api.desk.call('POST', `/api/lc-applications/${approved}/approve`));
    await api.done(api.desk.call('POST', `/api/lc-applications/${declined}/decline`));
    await api.done(api.desk.call('POST', `/api/lc-applications/${canceled}/cancel`));
    return { draft, submitted, approved, declined, canceled };
  };

  it("my drafts: exactly the caller's drafts, and nobody else's (§9.6, test 22)", async () => {
    await oneOfEach();
    const a = newApplicant();
    const testing1 = await api.draft(a, { reference: 'Testing1' });
    const testing2 = await api.draft(a, { reference: 'Testing2' });
    await api.submitted(a, 'Testing3');
    await api.caughtUp();

    const drafts = await api.list('/api/lc-applications/my-drafts', api.applicant(a));
    // Newest first.
    expect(idsOf(drafts)).toEqual([testing2, testing1]);
    expect(drafts._embedded['lc-applications'].map((item) => item.clientReference)).toEqual([
      'Testing2',
      'Testing1',
    ]);
    expect(drafts._embedded['lc-applications'].every((item) => item.status === 'draft')).toBe(true);
    // Another applicant has none of them; trade finance has no drafts of its own to list here.
    expect(idsOf(await api.list('/api/lc-applications/my-drafts', api.applicant(newApplicant())))).toEqual(
      [],
    );
    expectProblem(await api.desk.call('GET', '/api/lc-applications/my-drafts'), 403);
  });

  it('lists by status; an applicant sees only their own, the desk everyone’s', async () => {
    const states = await oneOfEach();
    const a = newApplicant();
    const own = { draft: await api.draft(a), submitted: await api.submitted(a) };
    await api.caughtUp();

    for (const [status, id] of Object.entries(states)) {
      const listed = await everyId(`/api/lc-applications?status=${status}`);
      expect(listed, status).toContain(id);
      for (const [other, otherId] of Object.entries(states)) {
        if (other !== status) expect(listed, `${other} in ${status}`).not.toContain(otherId);
      }
    }
    // Pending: not decided yet, whether a draft or submitted (the book's HATEOAS sample).
    const pending = await everyId('/api/lc-applications?status=pending');
    expect(pending).toEqual(expect.arrayContaining([states.draft, states.submitted]));
    for (const id of [states.approved, states.declined, states.canceled]) expect(pending).not.toContain(id);

    const applicant = api.applicant(a);
    expect((await everyId('/api/lc-applications', applicant)).sort()).toEqual(Object.values(own).sort());
    expect(await everyId('/api/lc-applications?status=pending', applicant)).toEqual([
      own.submitted,
      own.draft,
    ]);
    expect(await everyId('/api/lc-applications?status=submitted', applicant)).toEqual([own.submitted]);
    expect(await everyId('/api/lc-applications?status=approved', applicant)).toEqual([]);
    expect(await everyId('/api/lc-applications')).toEqual(expect.arrayContaining(Object.values(own)));
  });

  it('moves an application through the work queues as each check comes in, and on its decision', async () => {
    const [first, second] = [await api.submitted(newApplicant()), await api.submitted(newApplicant())];
    const queues = async () => {
      await api.settled();
      const members: Record<string, string[]> = {};
      for (const queue of QUEUES) {
        const ids = await everyId(`/api/lc-applications/queues/${queue}`);
        members[queue] = [first, second].filter((id) => ids.includes(id));
      }
      return members;
    };
    expect(await queues()).toEqual({
      // Oldest submitted first.
      'pending-product-validation': [first, second],
      'pending-applicant-validation': [first, second],
      'pending-approval': [first, second],
      approved: [],
    });

    await api.check(first, 'productValue', true);
    expect((await queues())['pending-product-validation']).toEqual([first, second]);
    await api.check(first, 'productLegality', true);
    expect(await queues()).toMatchObject({
      'pending-product-validation': [second],
      'pending-applicant-validation': [first, second],
    });
    await api.check(first, 'applicantCredit', false);
    // A rejected check is in: the application waits for the manager's decision, no longer for the check.
    expect(await queues()).toEqual({
      'pending-product-validation': [second],
      'pending-applicant-validation': [second],
      'pending-approval': [first, second],
      approved: [],
    });
    await api.done(api.desk.call('POST', `/api/lc-applications/${first}/decline`));
    await api.done(api.desk.call('POST', `/api/lc-applications/${second}/approve`));
    expect(await queues()).toEqual({
      'pending-product-validation': [],
      'pending-applicant-validation': [],
      'pending-approval': [],
      approved: [second],
    });
  });

  it('pages every list alike, as HAL-FORMS with the position it shows', async () => {
    const a = newApplicant();
    for (let i = 0; i < 55; i++) await api.draft(a, { reference: `Draft ${i}` });
    for (let i = 0; i < 9; i++) await api.submitted(newApplicant());
    await api.caughtUp();

    const drafts = await expectPagedList(api, '/api/lc-applications?status=draft', itemsOf, { atLeast: 55 });
    const own = await expectPagedList(api, `/api/lc-applications/my-drafts`, itemsOf, { atLeast: 0 });
    expect(own).toEqual([]); // the operator has no drafts
    const queue = await expectPagedList(api, '/api/lc-applications/queues/pending-approval', itemsOf, {
      atLeast: 9,
    });
    expect(queue.length).toBeGreaterThanOrEqual(9);
    expect(drafts.length).toBeGreaterThanOrEqual(55);
    const mine = await everyId('/api/lc-applications/my-drafts', api.applicant(a));
    expect(mine).toHaveLength(55);

    const response = await api.desk.call('GET', '/api/lc-applications?status=draft&limit=2');
    expect(response.headers['content-type']).toMatch(/^application\/prs\.hal-forms\+json/);
    const page = response.json<LCList>();
    expect(page._links.self.href).toBe('/api/lc-applications?status=draft&limit=2');
    expect(page._links.next!.href).toBe(
      `/api/lc-applications?status=draft&limit=2&after=${encodeURIComponent(page.next!)}`,
    );
    const { position } = await api.projectors.view.checkpoint();
    expect(page).toMatchObject({ position, rebuilding: false });
  });

  it('counts the applications started, and those in each status', async () => {
    await api.caughtUp();
    const before = (await api.desk.call('GET', '/api/lc-applications/summary')).json<{
      started: number;
      byStatus: Record<string, number>;
    }>();
    await oneOfEach();
    await api.caughtUp();
    const response = await api.desk.call('GET', '/api/lc-applications/summary');
    expect(response.statusCode, response.body).toBe(200);
    const after = response.json<typeof before & { position: number; rebuilding: boolean }>();
    expect(after.started).toBe(before.started + 5);
    for (const status of ['draft', 'submitted', 'approved', 'declined', 'canceled']) {
      expect(after.byStatus[status], status).toBe(before.byStatus[status]! + 1);
    }
    const { rows } = await api.db.query<{ count: string }>('SELECT count(*) FROM lc_applications.lc_view');
    expect(after.started).toBe(Number(rows[0]!.count));
    expect(after.rebuilding).toBe(false);
  });

  it('answers each query to its audience only, and names a bad filter', async () => {
    const applicant = api.applicant(newApplicant());
    for (const url of [
      '/api/lc-applications/summary',
      '/api/lc-applications/queues/pending-approval',
      '/api/lc-applications/queues/approved/live',
    ]) {
      expectProblem(await applicant.call('GET', url), 403);
      expectProblem(await api.as('anonymous').call('GET', url), 401);
    }
    expectProblem(await api.as('anonymous').call('GET', '/api/lc-applications'), 401);
    expectProblem(await api.desk.call('GET', '/api/lc-applications?status=lost'), 400, {
      field: 'querystring.status',
    });
    expectProblem(await api.desk.call('GET', '/api/lc-applications/queues/urgent'), 400, {
      field: 'params.queue',
    });
    expectProblem(await api.desk.call('GET', '/api/lc-applications/queues/urgent/live'), 400, {
      field: 'params.queue',
    });
    expectProblem(await api.desk.call('GET', '/api/lc-applications/not-an-id/live'), 400, {
      field: 'params.id',
    });
  });

  it('documents a 404 only where an id is in the path', async () => {
    const document = (await api.call('GET', '/openapi.json')).json<{
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    }>();
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path));
    const notFound = operations
      .filter((operation) => operation.responses['404'])
      .map((one) => one.operationId);
    for (const id of ['getLCApplication', 'followLCApplication', 'submitLCApplication'])
      expect(notFound).toContain(id);
    for (const id of [
      'listLCApplications',
      'myDraftLCApplications',
      'lcApplicationsSummary',
      'lcApplicationWorkQueue',
      'followLCApplicationWorkQueue',
    ]) {
      expect(notFound).not.toContain(id);
    }
  });
});
