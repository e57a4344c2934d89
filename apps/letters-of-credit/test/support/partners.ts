import { randomUUID } from 'node:crypto';
import { type Broker, type Envelope, newEnvelope } from '@tessera/platform/messaging';
import { eventually, recordMessages } from '@tessera/platform/testing';
import type { z } from 'zod';
import {
  LC_APPLICATION_CHANNEL,
  type lcApplicationMessages,
} from '../../src/lc-applications/contract/integration-events.js';

type Submitted = z.input<(typeof lcApplicationMessages)['lcapplications.LCApplicationSubmitted']>;

/**
 * What the partners of LC Application Processing (Compliance, Customer Onboarding) receive, as it publishes
 * it: an LC application's message on its channel, keyed by the application. `data` may break the contract.
 */
export const lcApplicationEnvelope = (
  type: string,
  data: { lcApplicationId: string } & Record<string, unknown>,
) =>
  newEnvelope('lc-applications', {
    type,
    subject: LC_APPLICATION_CHANNEL,
    key: data.lcApplicationId,
    data,
  });

/** A submitted application: USD 10,000.00 for one product unless `overrides` say otherwise. */
export const submitted = (overrides: Partial<Submitted> = {}): Envelope<Submitted> =>
  lcApplicationEnvelope('lcapplications.LCApplicationSubmitted', {
    lcApplicationId: randomUUID(),
    applicantId: randomUUID(),
    amountCents: 10_000_00,
    currency: 'USD',
    merchandise: { items: [{ productId: randomUUID(), quantity: 1 }] },
    submittedAt: new Date().toISOString(),
    ...overrides,
  }) as Envelope<Submitted>;

/** Every message a test group of its own receives on a channel, in arrival order: tests wait on it. */
export async function received(broker: Broker, channel: string) {
  const recorder = await recordMessages(broker, [channel]);
  const about = (key: string) => recorder.messages.filter((message) => message.key === key);
  return {
    items: recorder.messages,
    /** The messages keyed by `key` once there are `count` of them. */
    async keyed(key: string, count: number) {
      await recorder.waitFor(() => about(key).length >= count);
      return about(key);
    },
  };
}

/** Waits until nothing of `group` is left waiting: every message delivered to it is handled or dead. */
export async function nothingWaitingFor(broker: Broker, group: string) {
  await eventually(
    `nothing waits for ${group}`,
    async () => (await broker.lag()).find((lag) => lag.group === group),
    (lag) => lag?.pending === 0,
  );
}

/**
 * Waits until `bad` is in `group`'s dead letters and nothing of the group is left waiting: a message of a type
 * the group does not handle never reaches it (ADR 0058), so once both are through, the lag is empty.
 */
export async function deadLetteredWithNothingWaiting(broker: Broker, group: string, bad: Envelope) {
  await eventually(
    'the bad one is dead-lettered',
    () => broker.deadLetters.list(group),
    (letters) => letters.some((letter) => letter.messageId === bad.id),
  );
  await nothingWaitingFor(broker, group);
}
