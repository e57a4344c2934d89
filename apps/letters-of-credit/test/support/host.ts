import { randomUUID } from 'node:crypto';
import { type Broker, type Envelope, newEnvelope } from '@tessera/platform/messaging';
import type { Module } from '@tessera/platform/runtime';
import {
  type Caller,
  recordMessages,
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { LC_APPLICATION_CHANNEL } from '../../src/lc-applications/contract/integration-events.js';
import { lcApplicationsRoles } from '../../src/lc-applications/contract/roles.js';
import {
  createLCApplicationsModule,
  type LCApplicationsModuleOptions,
} from '../../src/lc-applications/module.js';
import { SANCTIONS_CHANNEL } from '../../src/sanctions/contract/integration-events.js';

export const HOST_START_MS = 120_000;

/** Publishes a sanctions list, as the Sanctions module would (tests of other modules run without it). */
export async function publishSanctions(broker: Broker, countries: string[], version = 1) {
  await broker.publish([
    newEnvelope('sanctions', {
      type: 'sanctions.SanctionsListChanged',
      subject: SANCTIONS_CHANNEL,
      key: 'sanctions-list',
      data: { countries, version, changedAt: new Date().toISOString() },
    }),
  ]);
}

/** Every message published on a channel, as a test group of its own receives them; wait on them. */
export async function recorded(broker: Broker, subjects: string[]) {
  const recorder = await recordMessages(broker, subjects);
  const about = (type: string, key: string) =>
    recorder.messages.filter((message) => message.type === type && message.key === key);
  return {
    messages: recorder.messages,
    /** The `count`th message of this type about this application, once it is published. */
    async next(type: string, lcApplicationId: string, count = 1) {
      await recorder.waitFor(() => about(type, lcApplicationId).length >= count);
      return about(type, lcApplicationId)[count - 1]!;
    },
  };
}

export interface LCHost extends TestHost {
  /** Every message LC Application Processing publishes. */
  published: Awaited<ReturnType<typeof recorded>>;
  /** An applicant of their own, as their LC client would call. */
  applicant(subject?: string): Caller & { subject: string };
  manager: Caller;
  /** Publishes the next sanctions list, and resolves once LC Application Processing has its copy. */
  sanction(countries: string[]): Promise<void>;
}

/** A test host running these modules, with the sanctions list (Sokovia, XS) already received. */
export async function startLCHost(
  backend: TestDatabase,
  options: { broker?: TestBrokerKind; modules?: readonly Module[] } & LCApplicationsModuleOptions = {},
): Promise<LCHost> {
  const copied = signals<Envelope>();
  const { broker, modules = [], ...moduleOptions } = options;
  const api = await startTestHost(
    backend,
    [createLCApplicationsModule({ ...moduleOptions, onSanctionsListHandled: copied.push }), ...modules],
    { ...(broker && { broker }) },
  );
  const published = await recorded(api.host.broker, [LC_APPLICATION_CHANNEL]);
  let version = 0;
  const sanction = async (countries: string[]) => {
    version++;
    await publishSanctions(api.host.broker, countries, version);
    await copied.until((items) =>
      items.some((message) => (message.data as { version: number }).version === version),
    );
  };
  await sanction(['XS']);
  return {
    ...api,
    published,
    applicant(subject = `applicant-${randomUUID().slice(0, 8)}`) {
      return { ...api.as({ subject, roles: [lcApplicationsRoles.applicant.name] }), subject };
    },
    manager: api.as({ subject: 'manager-1', roles: [lcApplicationsRoles.tradeFinanceManager.name] }),
    sanction,
  };
}

export const usd = (amount: number) => ({ amount, currency: 'USD' });
export const oneItem = () => ({ items: [{ productId: randomUUID(), quantity: 2 }] });
export const wakandaExporter = {
  name: 'Wakanda Vibranium Exports',
  address: { lines: ['1 Palace Road'], city: 'Birnin Zana', country: 'XW' },
};

/** Starts a draft as this applicant and gives it what a submit needs; answers its id. */
export async function readyDraft(applicant: Caller, amount = 1000): Promise<string> {
  const started = await applicant.call('POST', '/api/lc-applications/start-new', {
    clientReference: 'My LC',
  });
  expect(started.statusCode, started.body).toBe(201);
  const { id } = started.json<{ id: string }>();
  for (const [task, body] of [
    ['change-amount', usd(amount)],
    ['change-merchandise', oneItem()],
    ['change-beneficiary', wakandaExporter],
  ] as const) {
    const answer = await applicant.call('POST', `/api/lc-applications/${id}/${task}`, body);
    expect(answer.statusCode, answer.body).toBe(204);
  }
  return id;
}

export async function submitted(applicant: Caller, amount = 1000): Promise<string> {
  const id = await readyDraft(applicant, amount);
  const answer = await applicant.call('POST', `/api/lc-applications/${id}/submit`);
  expect(answer.statusCode, answer.body).toBe(204);
  return id;
}
