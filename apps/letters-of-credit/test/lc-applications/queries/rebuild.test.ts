import { randomUUID } from 'node:crypto';
import type { RebuildProgress } from '@tessera/platform/projections';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, type LCList, type QueryHost, queryModels, startQueryHost } from './support.js';

const HOST_START_MS = 60_000;
let applicants = 0;
const newApplicant = () => `applicant-${++applicants}-${randomUUID().slice(0, 8)}`;

describe.each(testDatabases)('rebuilding the LC query models on $backend', (backend) => {
  let api: QueryHost;

  beforeAll(async () => {
    // One event per batch: a rebuild replays in many steps, so that a query can meet it halfway.
    api = await startQueryHost(backend, 'embedded', { projectorBatchSize: 1 });
    // A history with every kind of event: edits, checks, decisions, reminders, past due.
    const ada = newApplicant();
    // Enough history that a replay takes many steps.
    for (let i = 0; i < 40; i++) await api.draft(ada, { complete: true });
    const approved = await api.submitted(ada);
    const declined = await api.submitted(newApplicant());
    const canceled = await api.submitted(newApplicant());
    const overdue = await api.submitted(newApplicant());
    await api.check(approved, 'productValue', true);
    await api.check(approved, 'productLegality', true);
    await api.check(approved, 'applicantCredit', true, ada);
    await api.check(declined, 'productLegality', false);
    await api.settled();
    await api.done(api.desk.call('POST', `/api/lc-applications/${approved}/approve`));
    await api.done(api.desk.call('POST', `/api/lc-applications/${declined}/decline`, { reason: 'Drugs' }));
    await api.done(api.desk.call('POST', `/api/lc-applications/${canceled}/cancel`));
    const overdueIs = (expected: boolean) =>
      new Promise<void>((resolve) => {
        const unwatch = api.projectors.view.watch(async () => {
          const { rows } = await api.db.query<{ past_due: boolean }>(
            'SELECT past_due FROM lc_applications.lc_view WHERE id = $1',
            [overdue],
          );
          if (rows[0]?.past_due === expected) {
            unwatch();
            resolve();
          }
        });
      });
    const pastDue = overdueIs(true);
    api.clock.advance(30 * DAY_MS);
    await pastDue;
    await api.caughtUp();
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('rebuilds LCView over the admin route: the same rows, with progress, nothing announced again', async () => {
    const before = await queryModels(api);
    expect(before.views.length).toBe(44);
    const announced = [...api.announced];

    const ended = api.rebuildsEnded;
    const response = await api.call('POST', '/admin/projections/lc-applications.lc-view/rebuild');
    expect(response.statusCode, response.body).toBe(202);
    const started = response.json<{ name: string; replayUntil: number; total: number }>();
    expect(started).toMatchObject({ name: 'lc-applications.lc-view' });
    expect(started.total).toBeGreaterThan(100);
    const outcome = await api.rebuilt(ended);
    if (outcome instanceof Error) throw outcome;
    expect(outcome.replayed).toBe(started.total);
    await api.caughtUp();

    expect(await queryModels(api)).toEqual(before);
    expect(api.announced).toEqual(announced);
    const lag = (await api.call('GET', '/admin/projections')).json<{
      projections: Array<{ name: string; rebuilding: boolean; behind: number }>;
    }>();
    expect(lag.projections.map(({ name, rebuilding, behind }) => ({ name, rebuilding, behind }))).toEqual([
      { name: 'lc-applications.lc-view', rebuilding: false, behind: 0 },
      { name: 'lc-applications.summary', rebuilding: false, behind: 0 },
    ]);
  });

  it('rebuilds the summary the same, announcing no start again; a new one is announced once', async () => {
    const before = await queryModels(api);
    const announced = [...api.announced];
    expect(announced).toHaveLength(44);
    const progress: RebuildProgress[] = [];
    const result = await api.projectors.summary.rebuild({
      progressIntervalMs: 0,
      onProgress: (step) => progress.push(step),
    });
    await api.caughtUp();
    expect(await queryModels(api)).toEqual(before);
    expect(api.announced).toEqual(announced);
    expect(progress.at(-1)).toMatchObject({ handled: result.replayed, total: result.replayed });
    expect(progress.length).toBeGreaterThan(1);

    // Live again: a new application is counted, and announced once.
    const id = await api.draft(newApplicant());
    await api.caughtUp();
    expect(api.announced).toEqual([...announced, id]);
    const startedOf = (models: typeof before) => Number(models.summary[0]!.started);
    expect(startedOf(await queryModels(api))).toBe(startedOf(before) + 1);
  });

  it('flags its answers as possibly stale while a rebuild replays', async () => {
    let during: Promise<LCList> | undefined;
    await api.projectors.view.rebuild({
      progressIntervalMs: 0,
      onProgress: () => {
        during ??= api.list('/api/lc-applications');
      },
    });
    const halfway = await during!;
    expect(halfway.rebuilding).toBe(true);
    await api.caughtUp();
    const after = await api.list('/api/lc-applications');
    expect(after.rebuilding).toBe(false);
    expect(halfway.position).toBeLessThan(after.position);
  });
});
