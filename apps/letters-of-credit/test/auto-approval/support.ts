import { randomUUID } from 'node:crypto';
import { type Broker, type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import type { SagaObservation } from '@tessera/platform/sagas';
import type { SqlClient } from '@tessera/platform/sql';
import {
  type Caller,
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { AUTO_APPROVAL } from '../../src/auto-approval/application/process.js';
import { createAutoApprovalModule } from '../../src/auto-approval/module.js';
import { LC_APPLICATION_CHANNEL } from '../../src/lc-applications/contract/integration-events.js';
import { lcApplicationsRoles } from '../../src/lc-applications/contract/roles.js';
import {
  createLCApplicationsModule,
  LC_APPLICATIONS_SANCTIONS_GROUP,
} from '../../src/lc-applications/module.js';
import { SANCTIONS_CHANNEL } from '../../src/sanctions/contract/integration-events.js';

export const HOST_START_MS = 120_000;
const { applicant, tradeFinanceManager } = lcApplicationsRoles;
/** The saga's consumer group, as the coordinator names it. */
export const SAGA_GROUP = `saga-${AUTO_APPROVAL.replaceAll('.', '-')}`;

/** A message a module's group handled, told once its transaction committed. */
export interface Handled {
  readonly group: string;
  readonly message: Envelope;
}

/** A message the modules must not handle yet: each attempt fails (rolls back) until the test lets it go. */
export interface Hold {
  matches?: (group: string, message: Envelope) => boolean;
  reached?: () => void;
}

/**
 * The modules, each given a broker whose subscriptions (a) fail a held message's handling while it is held, so
 * that a test acts while it waits (retried soon and often, so a hold never dead-letters it), and (b) report
 * each handling once it has committed.
 */
function observed(modules: readonly Module[], hold: Hold, handled: ReturnType<typeof signals<Handled>>) {
  const wrap = (broker: Broker, db: SqlClient): Broker => ({
    ...broker,
    publish: (envelopes) => broker.publish(envelopes),
    subscribe: ({ handle, handleBatch, ...subscription }) => {
      if (!handle || handleBatch) throw new Error('these modules subscribe with one-message handlers');
      return broker.subscribe({
        ...subscription,
        maxAttempts: 1_000,
        backoff: () => 20,
        async handle(message, delivery) {
          if (hold.matches?.(subscription.group, message)) {
            hold.reached?.();
            throw new Error('held by the test');
          }
          await handle(message, delivery);
          await db.afterCommit(() => handled.push({ group: subscription.group, message }));
        },
      });
    },
  });
  return modules.map(
    (module): Module => ({
      ...module,
      start: (context) => module.start({ ...context, broker: wrap(context.broker, context.db) }),
    }),
  );
}

export interface SagaHost extends TestHost {
  /** Every move of a saga instance, once committed. */
  readonly moves: ReturnType<typeof signals<SagaObservation>>;
  /** Every handling of the modules' groups, once committed. */
  readonly handled: ReturnType<typeof signals<Handled>>;
  /** Every message LC Application Processing published, as a test group of its own received them. */
  readonly lcEvents: ReturnType<typeof signals<Envelope>>;
  readonly hold: Hold;
  readonly manager: Caller;
  applicant(): Caller;
}

/** LC Application Processing and the auto-approval saga, with the sanctions list (Sokovia, XS) received. */
export async function startSagaHost(backend: TestDatabase, broker: TestBrokerKind): Promise<SagaHost> {
  const moves = signals<SagaObservation>();
  const handled = signals<Handled>();
  const hold: Hold = {};
  const api = await startTestHost(
    backend,
    observed([createLCApplicationsModule(), createAutoApprovalModule({ onMove: moves.push })], hold, handled),
    { broker },
  );
  const lcEvents = signals<Envelope>();
  await api.host.broker.subscribe({
    group: `test-${randomUUID().slice(0, 8)}`,
    subjects: [LC_APPLICATION_CHANNEL],
    handle: async (message) => lcEvents.push(message),
  });
  await api.host.broker.publish([sanctionsList(['XS'])]);
  await handled.until((all) => all.some(({ group }) => group === LC_APPLICATIONS_SANCTIONS_GROUP));
  return {
    ...api,
    moves,
    handled,
    lcEvents,
    hold,
    manager: api.as({ subject: 'manager-1', roles: [tradeFinanceManager.name] }),
    applicant: () => api.as({ subject: `applicant-${randomUUID().slice(0, 8)}`, roles: [applicant.name] }),
  };
}

/** The sanctions list, as the Sanctions module would publish it (it is not part of these tests). */
const sanctionsList = (countries: string[]) =>
  newEnvelope('sanctions', {
    type: 'sanctions.SanctionsListChanged',
    subject: SANCTIONS_CHANNEL,
    key: 'sanctions-list',
    data: { countries, version: 1, changedAt: new Date().toISOString() },
  });

/** A draft with what a submit needs (a Wakandan exporter), submitted by its applicant; answers its id. */
export async function submitApplication(applicant: Caller, amount: number): Promise<string> {
  const started = await applicant.call('POST', '/api/lc-applications/start-new', {
    clientReference: 'My LC',
  });
  expect(started.statusCode, started.body).toBe(201);
  const { id } = started.json<{ id: string }>();
  const tasks = [
    ['change-amount', { amount, currency: 'USD' }],
    ['change-merchandise', { items: [{ productId: randomUUID(), quantity: 2 }] }],
    [
      'change-beneficiary',
      {
        name: 'Wakanda Vibranium Exports',
        address: { lines: ['1 Palace Road'], city: 'Birnin Zana', country: 'XW' },
      },
    ],
    ['submit', undefined],
  ] as const;
  for (const [task, body] of tasks) {
    const answer = await applicant.call('POST', `/api/lc-applications/${id}/${task}`, body);
    expect(answer.statusCode, answer.body).toBe(204);
  }
  return id;
}
