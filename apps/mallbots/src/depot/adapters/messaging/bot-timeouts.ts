import { derivedId, type GroupSubscription, newEnvelope, onMessages } from '@tessera/platform/messaging';
import type { Clock, Deadlines } from '@tessera/platform/scheduling';
import { z } from 'zod';
import type { BotTimeouts } from '../../application/ports.js';
import type { Robots } from '../../application/robots.js';

/**
 * Depot's own channel for its bots' timeouts: the deadline's message comes back to Depot only (not part of
 * the public contract; nothing else subscribes).
 */
export const BOT_TIMEOUT_CHANNEL = 'mallbots.depot.internal.BotTimeouts';
export const DEPOT_BOT_TIMEOUTS_GROUP = 'depot-bot-timeouts';
const BOT_TIMED_OUT = 'depot.BotTimedOut';

const botTimedOut = {
  [BOT_TIMED_OUT]: z.strictObject({
    botId: z.string().min(1),
    shoppingListId: z.uuid(),
    botVersion: z.number().int().positive(),
  }),
};

const deadlineId = (botId: string) => `depot:bot-timeout:${botId}`;

/**
 * A durable deadline per bot (ADR 0011): scheduled in the transaction that takes the bot offline, canceled in
 * the one that brings it back. The message's id names the bot at that version, so a redelivery is one.
 */
export function deadlineBotTimeouts(
  deadlines: Deadlines,
  { clock, timeoutMs }: { clock: Clock; timeoutMs: number },
): BotTimeouts {
  return {
    async start({ botId, shoppingListId, botVersion }) {
      const now = clock.now();
      await deadlines.schedule({
        id: deadlineId(botId),
        at: new Date(now.getTime() + timeoutMs),
        envelope: newEnvelope(
          'depot',
          {
            id: derivedId(`${deadlineId(botId)}@${botVersion}`, 0),
            type: BOT_TIMED_OUT,
            subject: BOT_TIMEOUT_CHANNEL,
            key: botId,
            data: { botId, shoppingListId, botVersion },
          },
          { now },
        ),
      });
    },
    async cancel(botId) {
      await deadlines.cancel(deadlineId(botId));
    },
  };
}

/** The timeouts, when due, handled in the broker's transaction. */
export function botTimeoutsGroup(robots: Pick<Robots, 'timedOut'>): GroupSubscription {
  return {
    group: DEPOT_BOT_TIMEOUTS_GROUP,
    subject: BOT_TIMEOUT_CHANNEL,
    handle: onMessages(botTimedOut, { [BOT_TIMED_OUT]: (data) => robots.timedOut(data) }),
  };
}
