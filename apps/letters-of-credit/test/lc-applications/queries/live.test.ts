import { randomUUID } from 'node:crypto';
import { type EventStream, openEventStream, testDatabases } from '@tessera/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applicantRoles,
  deskRoles,
  type LCItem,
  type QueryHost,
  startQueryHost,
  unknownId,
} from './support.js';

const HOST_START_MS = 60_000;
let applicants = 0;
const newApplicant = () => `applicant-${++applicants}-${randomUUID().slice(0, 8)}`;
const itemOf = (event: { json<T>(): T }) => event.json<LCItem>();

describe.each(testDatabases)('live updates of LC applications on $backend', (backend) => {
  let api: QueryHost;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    api = await startQueryHost(backend);
  }, HOST_START_MS);
  afterEach(async () => {
    for (const stream of streams.splice(0)) await stream.close();
  });
  afterAll(() => api?.close());

  /** Follows a live route over a real connection, as `who` (trade finance by default). */
  const follow = async (
    path: string,
    who: { subject: string; roles: string[] } = { subject: 'desk-1', roles: deskRoles },
    headers: Record<string, string> = {},
  ) => {
    const stream = await openEventStream(`${api.host.url}${path}`, {
      headers: { authorization: `Bearer ${await api.tokenFor(who)}`, ...headers },
    });
    streams.push(stream);
    return stream;
  };
  const positionOf = async (id: string) => {
    const { rows } = await api.db.query<{ position: string }>(
      'SELECT position FROM lc_applications.lc_view WHERE id = $1',
      [id],
    );
    return Number(rows[0]!.position);
  };

  it("pushes an application's every change to its applicant: as it is first, then each one as it commits", async () => {
    const ada = newApplicant();
    const id = await api.draft(ada, { reference: 'Live coffee' });
    const stream = await follow(`/api/lc-applications/${id}/live`, { subject: ada, roles: applicantRoles });
    expect(stream.status, stream.body).toBe(200);
    const [first] = await stream.until((events) => events.length === 1);
    expect(first!.event).toBe('application');
    expect(itemOf(first!)).toMatchObject({ id, status: 'draft', clientReference: 'Live coffee' });
    expect(Number(first!.id)).toBe(await positionOf(id));

    const applicant = api.applicant(ada);
    await api.done(
      applicant.call('POST', `/api/lc-applications/${id}/change-amount`, { amount: 99, currency: 'USD' }),
    );
    const [, priced] = await stream.until((events) => events.length === 2);
    expect(itemOf(priced!).amount).toEqual({ amount: 99, currency: 'USD' });
    await api.done(
      applicant.call('POST', `/api/lc-applications/${id}/change-merchandise`, {
        items: [{ productId: randomUUID(), quantity: 1 }],
      }),
    );
    const [, , complete] = await stream.until((events) => events.length === 3);
    // The applicant's own view links the tasks they may do now.
    expect(Object.keys(itemOf(complete!)._links)).toContain('submit');
    await api.done(applicant.call('POST', `/api/lc-applications/${id}/submit`));
    // Seen before the check: changes a projector reads in one batch (made within its read interval) come as one.
    await stream.until((received) => received.length === 4);
    await api.check(id, 'productValue', true);
    const events = await stream.until((received) =>
      received.some((event) => itemOf(event).checks.productValue === 'approved'),
    );
    expect(events.map((event) => itemOf(event).status)).toEqual([
      'draft',
      'draft',
      'draft',
      'submitted',
      'submitted',
    ]);
    const ids = events.map((event) => Number(event.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.at(-1)).toBe(await positionOf(id));
  });

  it('resumes after a disconnect with Last-Event-ID: the application as it is now, once', async () => {
    const ada = newApplicant();
    const id = await api.submitted(ada);
    const first = await follow(`/api/lc-applications/${id}/live`);
    await first.until((events) => events.length === 1);
    await first.close();

    // While the client is away: two checks and the decision.
    await api.check(id, 'productValue', true);
    await api.check(id, 'productLegality', true);
    await api.settled();
    await api.done(api.desk.call('POST', `/api/lc-applications/${id}/approve`));
    await api.caughtUp();

    const again = await follow(`/api/lc-applications/${id}/live`, undefined, {
      'last-event-id': first.lastEventId!,
    });
    const [latest] = await again.until((events) => events.length === 1);
    expect(itemOf(latest!)).toMatchObject({
      status: 'approved',
      checks: { productValue: 'approved', productLegality: 'approved' },
    });
    expect(Number(latest!.id)).toBe(await positionOf(id));
    // Nothing repeated: a heartbeat comes, and no other event.
    await again.nextComment();
    expect(again.events).toHaveLength(1);

    // Resuming from the last id received sends nothing until something changes.
    const caughtUp = await follow(`/api/lc-applications/${id}/live`, undefined, {
      'last-event-id': again.lastEventId!,
    });
    await caughtUp.nextComment();
    expect(caughtUp.events).toEqual([]);
  });

  it('pushes a work queue: applications entering it, changing in it, leaving it; resumable', async () => {
    await api.caughtUp();
    const queue = await api.list('/api/lc-applications/queues/pending-product-validation?limit=1');
    // From the position of what was read: nothing in between is missed.
    const stream = await follow(
      `/api/lc-applications/queues/pending-product-validation/live?lastEventId=${queue.position}`,
    );
    const id = await api.submitted(newApplicant());
    const [entered] = await stream.until((events) => events.some((event) => itemOf(event).id === id));
    expect(entered!.event).toBe('in-queue');
    expect(itemOf(entered!).queues).toContain('pending-product-validation');

    await api.check(id, 'productValue', true);
    const changed = await stream.until(
      (events) => events.filter((event) => itemOf(event).id === id).length === 2,
    );
    expect(changed.at(-1)!.event).toBe('in-queue');
    await api.check(id, 'productLegality', false);
    const left = await stream.until(
      (events) => events.filter((event) => itemOf(event).id === id).length === 3,
    );
    expect(left.at(-1)!.event).toBe('out-of-queue');
    expect(itemOf(left.at(-1)!).queues).not.toContain('pending-product-validation');
    await stream.close();

    // Away: one enters, and the one that left changes again (it is not in the queue: told as out of it).
    const other = await api.submitted(newApplicant());
    await api.check(id, 'applicantCredit', true);
    await api.settled();
    const resumed = await follow('/api/lc-applications/queues/pending-product-validation/live', undefined, {
      'last-event-id': stream.lastEventId!,
    });
    const events = await resumed.until((received) => received.length === 2);
    expect(events.map((event) => [itemOf(event).id, event.event])).toEqual([
      [other, 'in-queue'],
      [id, 'out-of-queue'],
    ]);
    const ids = [...stream.events, ...events].map((event) => Number(event.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('without a last event id, a work queue starts from now', async () => {
    const before = await api.submitted(newApplicant());
    await api.caughtUp();
    const stream = await follow('/api/lc-applications/queues/pending-approval/live');
    await stream.nextComment();
    const after = await api.submitted(newApplicant());
    const [event] = await stream.until((events) => events.length === 1);
    expect(itemOf(event!).id).toBe(after);
    expect(stream.events.map((received) => itemOf(received).id)).not.toContain(before);
  });

  it('follows an application for its applicant and the desk only, and not one that does not exist', async () => {
    const ada = newApplicant();
    const id = await api.draft(ada);
    const stranger = await follow(`/api/lc-applications/${id}/live`, {
      subject: newApplicant(),
      roles: applicantRoles,
    });
    expect(stranger.status).toBe(403);
    const missing = await follow(`/api/lc-applications/${unknownId()}/live`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body!)).toMatchObject({ code: 'lc_application_not_found' });
    const desk = await follow(`/api/lc-applications/${id}/live`);
    expect(desk.status).toBe(200);
    const [seen] = await desk.until((events) => events.length === 1);
    // The desk's view of a draft: nothing it may do to it (changes, submit and cancel are the applicant's).
    expect(Object.keys(itemOf(seen!)._links)).toEqual(['self']);
  });
});
