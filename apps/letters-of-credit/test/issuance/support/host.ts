import { randomUUID } from 'node:crypto';
import { type Envelope, newEnvelope } from '@tessera/platform/messaging';
import { type ManualClock, manualClock } from '@tessera/platform/scheduling';
import {
  type MessageRecorder,
  recordMessages,
  signals,
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { LC_CHANNEL } from '../../../src/issuance/contract/integration-events.js';
import { createIssuanceModule } from '../../../src/issuance/module.js';
import {
  type ApprovedTerms,
  LC_APPLICATION_CHANNEL,
} from '../../../src/lc-applications/contract/integration-events.js';

export const terms = (overrides: Partial<ApprovedTerms> = {}): ApprovedTerms => ({
  clientReference: 'Cocoa for winter',
  amountCents: 950_000,
  currency: 'USD',
  beneficiary: {
    name: 'Wakanda Cocoa',
    address: { lines: ['1 Market St'], city: 'Birnin Zana', country: 'XW' },
  },
  merchandise: { items: [{ productId: 'f7d3c2b1-0a9e-4d8c-b7a6-5f4e3d2c1b0a', quantity: 40 }] },
  documents: ['Bill of lading', 'Certificate of origin'],
  expiryDate: '2026-12-31',
  ...overrides,
});

/** LC Application Processing's approval, as it publishes it (version 2): keyed by the application. */
export const approval = (lcApplicationId: string, applicantId: string, approvedTerms = terms()) =>
  newEnvelope('lc-applications', {
    type: 'lcapplications.LCApplicationApproved',
    subject: LC_APPLICATION_CHANNEL,
    key: lcApplicationId,
    schemaVersion: 2,
    data: { lcApplicationId, applicantId, approvedBy: 'manager', terms: approvedTerms },
  });

export interface IssuedLCDto {
  id: string;
  lcNumber: string;
  lcApplicationId: string;
  applicantId: string;
  clientReference: string;
  amount: { amount: number; currency: string };
  documents: string[];
  expiryDate?: string;
  issuedAt: string;
}

export interface IssuanceHost extends TestHost {
  readonly clock: ManualClock;
  /** The LCIssued messages Issuance published since the start. */
  readonly published: MessageRecorder;
  /** Publishes the messages and resolves once Issuance has committed its handling of each. */
  deliver(...messages: Envelope[]): Promise<void>;
  /** Approves a new application of `applicantId` and resolves with its issued LC. */
  issueFor(applicantId: string, approvedTerms?: ApprovedTerms): Promise<IssuedLCDto>;
  lcOf(lcApplicationId: string): Promise<IssuedLCDto>;
}

/** Issuance alone in a host on a fresh database, its clock by hand (each approval a millisecond later). */
export async function startIssuanceHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<IssuanceHost> {
  const clock = manualClock(new Date('2026-03-04T09:00:00Z'));
  const handled = signals<string>();
  const api = await startTestHost(
    backend,
    [
      createIssuanceModule({
        clock,
        onApprovalHandled: (message) => handled.push(message.id),
      }),
    ],
    { broker },
  );
  const published = await recordMessages(api.host.broker, [LC_CHANNEL]);
  const lcOf = async (lcApplicationId: string) => {
    const response = await api.call('GET', `/api/issuance/lc-applications/${lcApplicationId}/lc`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ lc: IssuedLCDto }>().lc;
  };
  const deliver = async (...messages: Envelope[]) => {
    clock.advance(1);
    await api.host.broker.publish(messages);
    await handled.until((ids) => messages.every((message) => ids.includes(message.id)));
  };
  return {
    ...api,
    clock,
    published,
    deliver,
    lcOf,
    async issueFor(applicantId, approvedTerms) {
      const lcApplicationId = randomUUID();
      await deliver(approval(lcApplicationId, applicantId, approvedTerms));
      return lcOf(lcApplicationId);
    },
    async close() {
      await published.stop();
      await api.close();
    },
  };
}
