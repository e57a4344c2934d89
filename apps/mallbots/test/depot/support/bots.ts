import { randomUUID } from 'node:crypto';
import { SUCCESS_REPLY } from '@tessera/platform/messaging';
import { expect } from 'vitest';
import type { BotInstruction, RobotOperations } from '../../../src/depot/application/robot-operations.js';
import { DEPOT_COMMAND_CHANNEL } from '../../../src/depot/contract/integration-events.js';
import { sendCommand } from '../../payments/support/messages.js';
import type { DepotHost } from './host.js';

const WAIT_MS = 15_000;

/** A fresh bot id per test, so that tests sharing a host never drive each other's bots. */
export const botId = (label = 'bot') => `${label}-${randomUUID().slice(0, 8)}`;

/**
 * Resolves with the bot's instruction once `done` accepts it, re-reading after each wake-up of the bot's
 * `watch` (so without sleeping); fails after a bounded time, saying what it last saw.
 */
export async function instructionOnceIt(
  robots: RobotOperations,
  bot: string,
  done: (instruction: BotInstruction) => boolean,
  what: string,
): Promise<BotInstruction> {
  let wake = () => {};
  const stop = await robots.watch(bot, () => wake());
  const timeout = Date.now() + WAIT_MS;
  try {
    for (;;) {
      // Armed before reading: a change committed while the read runs still wakes the next wait.
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const instruction = await robots.instruction(bot);
      if (done(instruction)) return instruction;
      const left = timeout - Date.now();
      if (left <= 0) throw new Error(`timed out waiting until ${what}; last: ${JSON.stringify(instruction)}`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        woken,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
  } finally {
    await stop();
  }
}

export const shopping = (list: string) => (instruction: BotInstruction) =>
  instruction.kind === 'shop' && instruction.shoppingListId === list;

/** The saga's side of a test: commands to Depot, each awaited to its Success reply. */
export function depotSaga(api: DepotHost) {
  const ask = async (type: string, data: unknown, key: string = randomUUID()) => {
    const sent = await sendCommand(api.host.broker, {
      type,
      channel: DEPOT_COMMAND_CHANNEL,
      data,
      replyTo: api.replyChannel,
      key,
    });
    const reply = await api.recorder.replyTo(sent.id);
    expect(reply.type, JSON.stringify(reply.data)).toBe(SUCCESS_REPLY);
    return reply;
  };
  return {
    ask,
    /** A list for a new order, made and made available as the saga does. */
    async availableList(items: ReadonlyArray<{ storeId: string; productId: string; quantity: number }>) {
      const orderId = randomUUID();
      const reply = await ask('depotapi.CreateShoppingList', { orderId, items }, orderId);
      const { id } = (reply.data as { result: { id: string } }).result;
      await ask('depotapi.InitiateShopping', { id }, orderId);
      return { id, orderId };
    },
    cancel: (orderId: string) => ask('depotapi.CancelShoppingList', { orderId }, orderId),
    /**
     * What a test leaves behind must not reach the next one's bots: every open list is canceled (its bot
     * recalled) and every connected bot disconnected.
     */
    async quiesce() {
      const { rows } = await api.db.query<{ order_id: string }>(
        `SELECT order_id FROM depot.shopping_lists WHERE status IN ('pending', 'available', 'assigned', 'active')`,
      );
      for (const { order_id } of rows)
        await ask('depotapi.CancelShoppingList', { orderId: order_id }, order_id);
      const bots = await api.db.query<{ id: string }>('SELECT id FROM depot.bots WHERE online');
      for (const { id } of bots.rows) await api.robots.disconnect({ botId: id });
    },
  };
}

/** Reads a bot's row as the REST API shows it. */
export async function botOverRest(api: DepotHost, id: string) {
  const response = await api.call('GET', `/api/depot/bots/${encodeURIComponent(id)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    bot: { id: string; name: string; status: string; shoppingListId?: string; lastSeenAt: string };
  }>().bot;
}
