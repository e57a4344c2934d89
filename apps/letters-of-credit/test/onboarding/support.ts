import { randomUUID } from 'node:crypto';
import type { Envelope } from '@tessera/platform/messaging';
import {
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { APPLICANT_CHECKS_CHANNEL } from '../../src/onboarding/contract/integration-events.js';
import { DEFAULT_CREDIT_RULES } from '../../src/onboarding/domain/credit-checks.js';
import { createOnboardingModule } from '../../src/onboarding/module.js';
import { received } from '../support/partners.js';

export const CREDIT_ANALYST = { subject: 'credit-analyst-1', roles: ['credit-analyst'] };

export interface OnboardingHost extends TestHost {
  /** The LC application messages the module handled, each once its handling committed. */
  readonly handled: ReturnType<typeof signals<Envelope>>;
  /** What the module published on its channel, as a test group receives it. */
  readonly decisions: Awaited<ReturnType<typeof received>>;
  /** Registers an applicant as anyone may (a username of their own), answering their id. */
  register(body?: object): Promise<string>;
  /** Sets an applicant's credit line as a credit analyst, in USD. */
  setCreditLine(applicantId: string, amount: number): Promise<void>;
}

/** One in-process host with Customer Onboarding, deciding by the board's 80%, on a fresh database. */
export async function startOnboardingHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<OnboardingHost> {
  const handled = signals<Envelope>();
  const api = await startTestHost(
    backend,
    [createOnboardingModule({ rules: DEFAULT_CREDIT_RULES, onApplicationHandled: handled.push })],
    { broker },
  );
  return {
    ...api,
    handled,
    decisions: await received(api.host.broker, APPLICANT_CHECKS_CHANNEL),
    async register(body = {}) {
      const response = await api.as('anonymous').call('POST', '/api/onboarding/applicants', {
        username: `importer-${randomUUID().slice(0, 8)}`,
        password: 'a long enough password',
        name: 'Acme Imports',
        ...body,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
    async setCreditLine(applicantId, amount) {
      const response = await api
        .as(CREDIT_ANALYST)
        .call('PUT', `/api/onboarding/applicants/${applicantId}/credit-line`, { amount, currency: 'USD' });
      expect(response.statusCode, response.body).toBe(200);
    },
  };
}

/** A host migrates its schemas and the broker's; on a loaded two-core machine a PGlite start is slow. */
export const HOST_START_MS = 120_000;
