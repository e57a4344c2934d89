import { randomUUID } from 'node:crypto';
import { type Envelope, FAILURE_REPLY, isReply, SUCCESS_REPLY } from '@tessera/platform/messaging';
import { expectProblem, testSetups } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTO_APPROVAL } from '../../src/auto-approval/application/process.js';
import { LC_APPLICATIONS_COMMANDS_GROUP } from '../../src/lc-applications/adapters/messaging/commands.js';
import { CHECK_TYPES, checkMessage, rejected } from './messages.js';
import { HOST_START_MS, SAGA_GROUP, type SagaHost, startSagaHost, submitApplication } from './support.js';

interface SagaView {
  saga: string;
  id: string;
  status: string;
  data: {
    amountCents: number;
    passed: string[];
    approvalRequested: boolean;
    ending?: { reason: string; detail?: string };
  };
  history: Array<{ event: string; step?: number; detail?: Record<string, unknown> }>;
}

const APPROVED = 'lcapplications.LCApplicationApproved';

describe.each(testSetups)(
  'the auto-approval saga beside LC Application Processing, through the $broker broker, on $backend.backend',
  ({ backend, broker }) => {
    let api: SagaHost;
    beforeAll(async () => {
      api = await startSagaHost(backend, broker);
    }, HOST_START_MS);
    afterAll(() => api?.close());

    // What the saga did, as its coordinator tells it after each commit.
    const eventsOf = (id: string) =>
      api.moves.items
        .filter((move) => move.id === id)
        .flatMap((move) => move.history.map((h): string => h.event));
    const untilSaga = (id: string, event: string, count = 1) =>
      api.moves.until(() => eventsOf(id).filter((each) => each === event).length >= count);
    /** Until the saga has handled this message (a move of its instance names it). */
    const untilSagaHeard = (id: string, message: Envelope) =>
      api.moves.until((moves) =>
        moves.some((move) => move.id === id && move.history.some((h) => h.detail?.messageId === message.id)),
      );
    /** Until the saga has handled the reply to its approval (whether it was still running or not). */
    const replyHeard = async (id: string) => {
      const isIt = ({ group, message }: { group: string; message: Envelope }) =>
        group === SAGA_GROUP && isReply(message) && message.key === id;
      await api.handled.until((all) => all.some(isIt));
      return api.handled.items.find(isIt)!.message;
    };
    const approveCommandsHandled = (id: string) =>
      api.handled.items.filter(
        ({ group, message }) => group === LC_APPLICATIONS_COMMANDS_GROUP && message.key === id,
      );

    const submitted = async (amount: number) => {
      const id = await submitApplication(api.applicant(), amount);
      await untilSaga(id, 'started');
      return id;
    };
    const publish = (...messages: Envelope[]) => api.host.broker.publish(messages);
    const allApproved = (id: string) => CHECK_TYPES.map((type) => checkMessage(type, id));

    const sagaOf = async (id: string) => {
      const answer = await api.call('GET', `/admin/sagas/${AUTO_APPROVAL}/${id}`);
      expect(answer.statusCode, answer.body).toBe(200);
      return answer.json<{ instance: SagaView }>().instance;
    };
    const statusOf = async (id: string) =>
      (await api.manager.call('GET', `/api/lc-applications/${id}`)).json<{ status: string }>().status;
    /** The approvals the application's stream recorded: the truth, whatever was published or retried. */
    const approvalsRecorded = async (id: string) =>
      (
        await api.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM lc_applications.events
           WHERE stream_name LIKE '%' || $1 AND event_type = 'lc.LCApplicationApproved'`,
          [id],
        )
      ).rows[0]!.n;
    const approvedMessage = async (id: string) => {
      await api.lcEvents.until((all) => all.some((m) => m.type === APPROVED && m.key === id));
      const published = api.lcEvents.items.filter((m) => m.type === APPROVED && m.key === id);
      expect(new Set(published.map((m) => m.id)).size).toBe(1);
      return published[0]!.data as { approvedBy: string };
    };
    const decide = (id: string, task: 'approve' | 'decline', body?: unknown) =>
      api.manager.call('POST', `/api/lc-applications/${id}/${task}`, body);
    const holdApproval = (id: string) => {
      const reached = new Promise<void>((resolve) => {
        api.hold.reached = resolve;
      });
      api.hold.matches = (group, message) => group === LC_APPLICATIONS_COMMANDS_GROUP && message.key === id;
      return reached;
    };
    const release = () => {
      api.hold.matches = undefined;
    };

    it('approves an application of exactly USD 10,000 once its three checks pass, in any order: approved by auto-approval, once', async () => {
      const id = await submitted(10_000);
      expect(await sagaOf(id)).toMatchObject({
        status: 'running',
        data: { amountCents: 1_000_000, passed: [], approvalRequested: false },
      });
      const [value, legality, credit] = allApproved(id) as [Envelope, Envelope, Envelope];
      await publish(legality, credit, value);

      expect((await approvedMessage(id)).approvedBy).toBe('auto-approval');
      await untilSaga(id, 'ended');
      expect(await statusOf(id)).toBe('approved');
      // A check heard again (another copy) after the approval asks nothing.
      const again = { ...credit, id: randomUUID() };
      await publish(again);
      await untilSagaHeard(id, again);
      expect((await replyHeard(id)).type).toBe(SUCCESS_REPLY);

      const saga = await sagaOf(id);
      expect(saga).toMatchObject({
        status: 'completed',
        data: {
          passed: ['productLegality', 'applicantCredit', 'productValue'],
          approvalRequested: true,
          ending: { reason: 'approved', detail: 'by auto-approval' },
        },
      });
      expect(saga.history.filter((h) => h.event === 'sent')).toHaveLength(1);
      expect(saga.history.at(-1)).toMatchObject({ event: 'ignored', detail: { messageId: again.id } });
      expect(approveCommandsHandled(id)).toHaveLength(1);
      expect(await approvalsRecorded(id)).toBe(1);
    });

    it('starts no second saga for a submission heard again, and still approves once', async () => {
      const id = await submitted(2_500);
      await api.lcEvents.until((all) =>
        all.some((m) => m.type === 'lcapplications.LCApplicationSubmitted' && m.key === id),
      );
      const original = api.lcEvents.items.find(
        (m) => m.type === 'lcapplications.LCApplicationSubmitted' && m.key === id,
      )!;
      const copy = { ...original, id: randomUUID() };
      // The same message again (the broker keeps it once) and a copy under another id (a duplicate event).
      await publish(original, copy);
      await untilSagaHeard(id, copy);
      await publish(...allApproved(id));
      expect((await approvedMessage(id)).approvedBy).toBe('auto-approval');
      await untilSaga(id, 'ended');
      await replyHeard(id);

      const saga = await sagaOf(id);
      expect(saga.history.filter((h) => h.event === 'started')).toHaveLength(1);
      expect(saga.history[1]).toMatchObject({
        event: 'ignored',
        detail: { reason: 'already started', messageId: copy.id },
      });
      const listed = await api.call('GET', `/admin/sagas?saga=${AUTO_APPROVAL}&limit=100`);
      expect(
        listed.json<{ instances: Array<{ id: string }> }>().instances.filter((i) => i.id === id),
      ).toHaveLength(1);
      expect(await approvalsRecorded(id)).toBe(1);
    });

    it('leaves an application of USD 10,000.01 to trade finance: the saga ends at once, its checks approve nothing', async () => {
      const id = await submitted(10_000.01);
      await untilSaga(id, 'ended');
      await publish(...allApproved(id));
      await untilSaga(id, 'ignored', 3);

      expect(await statusOf(id)).toBe('submitted');
      expect(approveCommandsHandled(id)).toEqual([]);
      expect(await approvalsRecorded(id)).toBe(0);
      const saga = await sagaOf(id);
      expect(saga).toMatchObject({
        status: 'completed',
        data: { ending: { reason: 'not-eligible', detail: 'the amount is over USD 10,000.00' } },
      });
      expect(saga.history.map((h) => h.event)).toEqual(['started', 'ended', 'ignored', 'ignored', 'ignored']);
      // A manager still decides it.
      expect((await decide(id, 'approve')).statusCode).toBe(204);
      expect((await approvedMessage(id)).approvedBy).toBe('manager');
    });

    it("a manager's decline before the checks ends the saga: the checks that follow approve nothing", async () => {
      const id = await submitted(1_000);
      const [value, legality, credit] = allApproved(id) as [Envelope, Envelope, Envelope];
      await publish(value);
      await untilSagaHeard(id, value);
      expect((await decide(id, 'decline', { reason: 'Too risky' })).statusCode).toBe(204);
      await untilSaga(id, 'ended');
      await publish(legality, credit);
      await untilSaga(id, 'ignored', 2);

      expect(await statusOf(id)).toBe('declined');
      expect(approveCommandsHandled(id)).toEqual([]);
      expect(await approvalsRecorded(id)).toBe(0);
      expect(await sagaOf(id)).toMatchObject({
        status: 'completed',
        data: {
          passed: ['productValue'],
          approvalRequested: false,
          ending: { reason: 'declined', detail: 'Too risky' },
        },
      });
    });

    it.each(CHECK_TYPES)(
      'a rejected check (%s) ends the saga: the application waits for a manager',
      async (type) => {
        const id = await submitted(1_000);
        await publish(rejected(type, id));
        await untilSaga(id, 'ended');
        await publish(...CHECK_TYPES.map((each) => checkMessage(each, id)));
        await untilSaga(id, 'ignored', 3);

        expect(await statusOf(id)).toBe('submitted');
        expect(approveCommandsHandled(id)).toEqual([]);
        expect((await sagaOf(id)).data.ending).toEqual({
          reason: 'check-rejected',
          detail: expect.stringMatching(/: Rejected!$/),
        });
        expect((await decide(id, 'approve')).statusCode).toBe(204);
        expect((await approvedMessage(id)).approvedBy).toBe('manager');
        expect(await approvalsRecorded(id)).toBe(1);
      },
    );

    describe('the saga and a manager approving at the same time: one approval', () => {
      it("the manager approves while the saga's approval is on its way: the manager's stands, the saga's records nothing", async () => {
        const id = await submitted(1_000);
        const reached = holdApproval(id);
        await publish(...allApproved(id));
        await reached;
        expect((await decide(id, 'approve')).statusCode).toBe(204);
        release();

        await untilSaga(id, 'ended');
        await api.handled.until(() => approveCommandsHandled(id).length === 1);
        // Approving what is approved is a success that records nothing.
        expect((await replyHeard(id)).type).toBe(SUCCESS_REPLY);
        expect((await approvedMessage(id)).approvedBy).toBe('manager');
        expect(await approvalsRecorded(id)).toBe(1);
        expect(await sagaOf(id)).toMatchObject({
          status: 'completed',
          data: { approvalRequested: true, ending: { reason: 'approved', detail: 'by manager' } },
        });
      });

      it("the saga's approval lands first: the manager is told it is decided, and there is one approval", async () => {
        const id = await submitted(1_000);
        await publish(...allApproved(id));
        expect((await approvedMessage(id)).approvedBy).toBe('auto-approval');
        expectProblem(await decide(id, 'approve'), 409, { code: 'lc_application_not_submitted' });
        await untilSaga(id, 'ended');
        await replyHeard(id);
        expect(await approvalsRecorded(id)).toBe(1);
      });

      it('both at once: exactly one LCApplicationApproved, whoever won', async () => {
        const id = await submitted(1_000);
        const [value, legality, credit] = allApproved(id) as [Envelope, Envelope, Envelope];
        await publish(value, legality);
        await untilSaga(id, 'handled', 2);
        const [answer] = await Promise.all([decide(id, 'approve'), publish(credit)]);

        await untilSagaHeard(id, credit);
        await untilSaga(id, 'ended');
        // The saga asked only if it heard the last check before the manager's approval.
        if (eventsOf(id).includes('sent')) expect((await replyHeard(id)).type).toBe(SUCCESS_REPLY);
        const { approvedBy } = await approvedMessage(id);
        expect(answer.statusCode).toBe(approvedBy === 'manager' ? 204 : 409);
        expect(await approvalsRecorded(id)).toBe(1);
        expect(approveCommandsHandled(id).length).toBeLessThanOrEqual(1);
      });
    });

    it('a refused approval (declined while it was on its way) ends the saga, the refusal in its history', async () => {
      const id = await submitted(1_000);
      const reached = holdApproval(id);
      await publish(...allApproved(id));
      await reached;
      const declined = await decide(id, 'decline', {});
      expect(declined.statusCode, declined.body).toBe(204);
      release();

      const refusal = await replyHeard(id);
      expect(refusal.type).toBe(FAILURE_REPLY);
      expect(refusal.data).toMatchObject({ code: 'lc_application_not_submitted' });
      await untilSaga(id, 'ended');
      const saga = await sagaOf(id);
      expect(saga.status).toBe('completed');
      // Whichever the saga heard first, the decline or the refusal, ended it; the other is recorded too.
      expect(['declined', 'approval-refused']).toContain(saga.data.ending?.reason);
      expect(saga.history.some((h) => h.detail?.messageId === refusal.id)).toBe(true);
      expect(await statusOf(id)).toBe('declined');
      expect(await approvalsRecorded(id)).toBe(0);
    });

    it('shows operators its instances, in its own schema, and only operators', async () => {
      const running = await submitted(1_000);
      const over = await submitted(20_000);
      await untilSaga(over, 'ended');

      const list = async (query: string) => {
        const answer = await api.call('GET', `/admin/sagas?saga=${AUTO_APPROVAL}&limit=100${query}`);
        expect(answer.statusCode, answer.body).toBe(200);
        return answer.json<{ instances: Array<{ saga: string; id: string; status: string }> }>().instances;
      };
      const ids = (instances: Array<{ id: string }>) => instances.map((instance) => instance.id);
      expect(ids(await list('&status=running'))).toContain(running);
      expect(ids(await list('&status=running'))).not.toContain(over);
      expect(ids(await list('&status=completed'))).toContain(over);
      expect((await list('')).every((instance) => instance.saga === AUTO_APPROVAL)).toBe(true);

      expect(await sagaOf(over)).toMatchObject({
        saga: AUTO_APPROVAL,
        id: over,
        status: 'completed',
        history: [{ event: 'started' }, { event: 'ended' }],
      });
      expectProblem(await api.call('GET', `/admin/sagas/${AUTO_APPROVAL}/${randomUUID()}`), 404, {
        code: 'saga_not_found',
      });
      expectProblem(await api.manager.call('GET', `/admin/sagas/${AUTO_APPROVAL}/${over}`), 403);
      expectProblem(await api.as('anonymous').call('GET', '/admin/sagas'), 401);
      // Its private datastore: nothing in a shared schema.
      const { rows } = await api.db.query<{ shared: string | null; own: string | null }>(
        `SELECT to_regclass('sagas.instances')::text AS shared, to_regclass('lc_auto_approval.instances')::text AS own`,
      );
      expect(rows).toEqual([{ shared: null, own: 'lc_auto_approval.instances' }]);
    });
  },
);
