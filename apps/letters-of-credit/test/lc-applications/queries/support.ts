import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Projector, RebuildResult } from '@tessera/platform/projections';
import { type ManualClock, manualClock } from '@tessera/platform/scheduling';
import {
  type Answer,
  type Caller,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { PRODUCT_CHECKS_CHANNEL } from '../../../src/compliance/contract/integration-events.js';
import { createLCApplicationsModule } from '../../../src/lc-applications/module.js';
import { APPLICANT_CHECKS_CHANNEL } from '../../../src/onboarding/contract/integration-events.js';

export { expectProblem, unknownId } from '@tessera/platform/testing';

/** A day of the reminders lasts this long in these tests (the clock is moved by hand anyway). */
export const DAY_MS = 1000;
export const HEARTBEAT_MS = 200;

export type CheckStatus = 'pending' | 'approved' | 'rejected';

/** An application as lists and live updates show it. */
export interface LCItem {
  id: string;
  applicantId: string;
  clientReference: string;
  status: 'draft' | 'submitted' | 'approved' | 'declined' | 'canceled';
  amount?: { amount: number; currency: string };
  checks: { productValue: CheckStatus; productLegality: CheckStatus; applicantCredit: CheckStatus };
  approvalReminders: number;
  pastDue: boolean;
  queues: string[];
  startedAt: string;
  submittedAt?: string;
  closedAt?: string;
  updatedAt: string;
  _links: Record<string, { href: string }>;
  _templates: Record<string, { method: string; target: string }>;
}

export interface LCList {
  _embedded: { 'lc-applications': LCItem[] };
  _links: { self: { href: string }; next?: { href: string } };
  next?: string;
  position: number;
  rebuilding: boolean;
}

export const itemsOf = (answer: Record<string, unknown>) =>
  (answer as unknown as LCList)._embedded['lc-applications'] as unknown as Array<Record<string, unknown>>;

export type Check = 'productValue' | 'productLegality' | 'applicantCredit';
const CHECK_MESSAGES: Record<Check, { type: string; subject: string; source: string }> = {
  productValue: {
    type: 'compliance.ProductValueValidated',
    subject: PRODUCT_CHECKS_CHANNEL,
    source: 'compliance',
  },
  productLegality: {
    type: 'compliance.ProductLegalityValidated',
    subject: PRODUCT_CHECKS_CHANNEL,
    source: 'compliance',
  },
  applicantCredit: {
    type: 'onboarding.ApplicantCreditValidated',
    subject: APPLICANT_CHECKS_CHANNEL,
    source: 'onboarding',
  },
};

export interface QueryHost extends TestHost {
  readonly clock: ManualClock;
  readonly projectors: { view: Projector; summary: Projector };
  /** Trade finance's calls. */
  readonly desk: Caller;
  /** An applicant's calls (their subject is their applicant id). */
  applicant(applicantId: string): Caller;
  /** A draft started by its applicant, with an amount and merchandise when `complete`. */
  draft(applicantId: string, options?: { reference?: string; complete?: boolean }): Promise<string>;
  /** A draft, completed and submitted by its applicant. */
  submitted(applicantId: string, reference?: string): Promise<string>;
  /** Answers 204, or fails the test. */
  done(response: Promise<Answer>): Promise<void>;
  /** Publishes a partner's decision on one check, as Compliance or Customer Onboarding would. */
  check(id: string, check: Check, approved: boolean, applicantId?: string): Promise<Envelope>;
  /** Publishes a message again, as a broker that redelivers or a partner that repeats itself. */
  republish(message: Envelope): Promise<void>;
  /** Resolves once every message published so far is handled and the query models have caught up. */
  settled(): Promise<void>;
  /** Resolves once the query models have caught up with the store (no messages pending). */
  caughtUp(): Promise<void>;
  /** GETs a list, expecting 200. */
  list(url: string, caller?: Caller): Promise<LCList>;
  /** One application's item, as an unfiltered list shows it to trade finance. */
  item(id: string): Promise<LCItem>;
  /** Every application announced as started (live only), in order. */
  readonly announced: readonly string[];
  /** How many rebuilds asked over the admin route have ended so far. */
  readonly rebuildsEnded: number;
  /** The outcome of the rebuild that ends after `ended` had (the count before it was asked). */
  rebuilt(ended: number): Promise<RebuildResult | Error>;
}

export const applicantRoles = ['applicant'];
export const deskRoles = ['trade-finance-manager'];

/** A host running LC Application Processing alone: the test plays the applicants, the desk and the partners. */
export async function startQueryHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
  options: { projectorBatchSize?: number } = {},
): Promise<QueryHost> {
  const clock = manualClock(new Date('2025-03-03T09:00:00.000Z'));
  let projectors!: { view: Projector; summary: Projector };
  const handled = new Set<string>();
  const wakers = new Set<() => void>();
  const rebuilds: Array<RebuildResult | Error> = [];
  const announced: string[] = [];
  const wake = () => {
    for (const waker of [...wakers]) waker();
  };
  const api = await startTestHost(
    backend,
    [
      createLCApplicationsModule({
        clock,
        dayMs: DAY_MS,
        liveHeartbeatMs: HEARTBEAT_MS,
        ...options,
        onProjectors: (running) => {
          projectors = running;
        },
        onStarted: ({ id }) => announced.push(id),
        onCheck: (message) => {
          handled.add(message.id);
          wake();
        },
        onRebuilt: (outcome) => {
          rebuilds.push(outcome);
          wake();
        },
      }),
    ],
    { broker },
  );
  const until = async (done: () => boolean, what: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      let resolve!: () => void;
      const woken = new Promise<void>((r) => {
        resolve = r;
      });
      wakers.add(resolve);
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      if (!done()) await woken;
      clearTimeout(timer);
      wakers.delete(resolve);
      if (!done() && Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
    }
  };

  const published: string[] = [];
  const desk = api.as({ subject: 'desk-1', roles: deskRoles, username: 'desk' });
  const applicants = new Map<string, Caller>();
  const applicant = (applicantId: string) => {
    let caller = applicants.get(applicantId);
    if (!caller) {
      caller = api.as({ subject: applicantId, roles: applicantRoles });
      applicants.set(applicantId, caller);
    }
    return caller;
  };
  const done = async (response: Promise<Answer>) => {
    const answer = await response;
    expect(answer.statusCode, answer.body).toBe(204);
  };
  const caughtUp = async () => {
    await Promise.all([projectors.view.caughtUp(), projectors.summary.caughtUp()]);
  };
  const publish = async (envelope: Envelope) => {
    published.push(envelope.id);
    await api.host.broker.publish([envelope]);
  };
  const host: QueryHost = {
    ...api,
    clock,
    get projectors() {
      return projectors;
    },
    desk,
    applicant,
    done,
    async draft(applicantId, { reference = 'Coffee beans', complete = false } = {}) {
      const caller = applicant(applicantId);
      const response = await caller.call('POST', '/api/lc-applications/start-new', {
        clientReference: reference,
      });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      if (complete) {
        await done(
          caller.call('POST', `/api/lc-applications/${id}/change-amount`, { amount: 1000, currency: 'USD' }),
        );
        await done(
          caller.call('POST', `/api/lc-applications/${id}/change-merchandise`, {
            items: [{ productId: randomUUID(), quantity: 2 }],
          }),
        );
      }
      return id;
    },
    async submitted(applicantId, reference) {
      const id = await host.draft(applicantId, { complete: true, ...(reference && { reference }) });
      await done(applicant(applicantId).call('POST', `/api/lc-applications/${id}/submit`));
      return id;
    },
    async check(id, check, approved, applicantId = 'ada') {
      const { type, subject, source } = CHECK_MESSAGES[check];
      const envelope = newEnvelope(source, {
        type,
        subject,
        key: id,
        data: {
          lcApplicationId: id,
          ...(check === 'applicantCredit' && { applicantId }),
          decision: { approved, remarks: approved ? 'Fine' : 'Not fine' },
        },
      });
      await publish(envelope);
      return envelope;
    },
    republish: publish,
    async settled() {
      await until(() => published.every((id) => handled.has(id)), 'the check messages to be handled');
      await caughtUp();
    },
    caughtUp,
    async list(url, caller = desk) {
      const response = await caller.call('GET', url);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<LCList>();
    },
    async item(id) {
      const { rows } = await api.db.query<{ status: string }>(
        'SELECT status FROM lc_applications.lc_view WHERE id = $1',
        [id],
      );
      expect(rows, `no view of ${id}`).toHaveLength(1);
      const answer = await host.list(`/api/lc-applications?status=${rows[0]!.status}&limit=100`);
      let page = answer;
      for (;;) {
        const found = page._embedded['lc-applications'].find((item) => item.id === id);
        if (found) return found;
        expect(page.next, `${id} is not listed`).toBeDefined();
        page = await host.list(`/api/lc-applications?status=${rows[0]!.status}&limit=100&after=${page.next}`);
      }
    },
    announced,
    get rebuildsEnded() {
      return rebuilds.length;
    },
    async rebuilt(ended) {
      await until(() => rebuilds.length > ended, 'a rebuild to end');
      return rebuilds[ended]!;
    },
  };
  return host;
}

/** Every row of the query models, in a stable order: what a rebuild must reproduce exactly. */
export async function queryModels(api: TestHost) {
  return {
    views: (await api.db.query('SELECT * FROM lc_applications.lc_view ORDER BY id')).rows,
    summary: (await api.db.query('SELECT * FROM lc_applications.lc_summary')).rows,
  };
}
