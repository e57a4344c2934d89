import * as Bot from '../domain/bot.js';
import * as ShoppingList from '../domain/shopping-list.js';
import {
  type DepotAssignment,
  type DepotChangeDependencies,
  depotChanges,
  retryingConflicts,
} from './changes.js';
import type { BotTimeouts } from './ports.js';
import type { BotInstruction, RobotOperations } from './robot-operations.js';

export interface RobotDependencies extends DepotChangeDependencies {
  readonly assignment: DepotAssignment;
  readonly timeouts: BotTimeouts;
}

/** What the depot itself does to bots, beside what the bots ask (the RPC adapter only sees RobotOperations). */
export interface Robots extends RobotOperations {
  /**
   * The bot's timeout fired: if it is still away, at the version it had when it went, holding that list, the
   * list goes back to the other bots and they are given lists again. Anything else: nothing happens.
   */
  timedOut(input: { botId: string; shoppingListId: string; botVersion: number }): Promise<void>;
  /**
   * Bots still marked online that no stream has heartbeated for `staleAfterMs` (the depot process holding
   * their stream died without closing it) are disconnected, as if their stream had closed: a bot holding a
   * list then has the bot timeout to come back. Returns how many were.
   */
  sweep(staleAfterMs: number): Promise<number>;
}

const REASON_CANCELED = 'the order was canceled';

/**
 * The bots' side of the depot. Each call is one transaction over the bot's row and the row of the list it
 * holds, both saved with optimistic concurrency; a change a bot must hear about is signalled on commit.
 * Whatever makes a bot idle or a list available is followed, after the commit, by automatic assignment.
 */
export function createRobotOperations(dependencies: RobotDependencies): Robots {
  const { db, lists, bots, signals, assignment, timeouts } = dependencies;
  const changes = depotChanges(dependencies);
  // The bots call from their streams, outside any transaction: each attempt is a transaction of its own.
  const transaction = <T>(work: () => Promise<T>) => retryingConflicts(() => db.transaction(work));

  const loadBot = async (botId: string) => {
    const id = Bot.checkBotId(botId);
    const loaded = await bots.load(id);
    if (!loaded.state.exists) throw Bot.botNotFound();
    return { id, ...loaded };
  };

  /** `known`: the list's state as the caller just saved it, if it did (no read of it again). */
  const instructionFor = async (
    state: Bot.State,
    known?: { id: string; state: ShoppingList.State },
  ): Promise<BotInstruction> => {
    const { errand } = state;
    if (!errand) return { kind: 'wait' };
    const { shoppingListId } = errand;
    if (errand.phase === 'recalled') {
      return { kind: 'recall', shoppingListId, reason: errand.reason ?? REASON_CANCELED };
    }
    if (errand.phase === 'returning') return { kind: 'return', shoppingListId };
    const list = known?.id === shoppingListId ? known.state : (await lists.load(shoppingListId)).state;
    return {
      kind: 'shop',
      shoppingListId,
      orderId: list.orderId,
      stops: list.stops.map(({ storeId, storeName, storeLocation, items }) => ({
        storeId,
        storeName,
        storeLocation,
        items: items.map(({ productId, productName, quantity, outcome }) => ({
          productId,
          productName,
          quantity,
          ...(outcome === undefined ? {} : { outcome }),
        })),
      })),
    };
  };

  const instruction = async (botId: string) => instructionFor((await loadBot(botId)).state);

  return {
    async connect({ botId, name, session }) {
      const id = Bot.checkBotId(botId);
      await transaction(async () => {
        const bot = await bots.load(id);
        await changes.bot(id, bot, Bot.connect(bot.state, { name, ...(session ? { session } : {}) }), true);
        await timeouts.cancel(id);
      });
      await assignment.run();
      return instruction(id);
    },

    async disconnect({ botId, session }) {
      await transaction(async () => {
        const bot = await loadBot(botId);
        const next = await changes.bot(
          bot.id,
          bot,
          Bot.disconnect(bot.state, session ? { session } : {}),
          true,
        );
        const errand = next.errand;
        if (next !== bot.state && errand && errand.phase !== 'recalled') {
          await timeouts.start({
            botId: bot.id,
            shoppingListId: errand.shoppingListId,
            botVersion: bot.version + 1,
          });
        }
      });
    },

    instruction,

    watch: (botId, onChange) => signals.watch(botId.trim(), onChange),

    reportItem: ({ botId, shoppingListId, storeId, productId, outcome }) =>
      transaction(async () => {
        const bot = await loadBot(botId);
        // A recalled bot no longer shops its (canceled) list.
        const { errand } = bot.state;
        if (errand?.shoppingListId !== shoppingListId || errand.phase === 'recalled') {
          throw ShoppingList.notHeld();
        }
        const list = await lists.load(shoppingListId);
        const reported = await changes.list(
          shoppingListId,
          list,
          ShoppingList.reportItem(list.state, { botId: bot.id, storeId, productId, outcome }),
        );
        const next = ShoppingList.everyItemReported(reported)
          ? await changes.bot(bot.id, bot, Bot.shopped(bot.state, { shoppingListId }), true)
          : bot.state;
        return instructionFor(next, { id: shoppingListId, state: reported });
      }),

    async reportReturned({ botId, shoppingListId }) {
      const id = await transaction(async () => {
        const bot = await loadBot(botId);
        if (bot.state.errand?.shoppingListId !== shoppingListId) {
          // Said again once it no longer holds the list: it brought that list back before.
          const list = await lists.load(shoppingListId);
          const done = list.state.status === 'completed' || list.state.status === 'canceled';
          if (done && list.state.assignedBotId === bot.id) return bot.id;
        }
        const events = Bot.returned(bot.state, { shoppingListId });
        if (bot.state.errand?.phase === 'returning') {
          const list = await lists.load(shoppingListId);
          await changes.list(
            shoppingListId,
            list,
            ShoppingList.completeShopped(list.state, { botId: bot.id }),
          );
        }
        await changes.bot(bot.id, bot, events, true);
        return bot.id;
      });
      await assignment.run();
      return instruction(id);
    },

    async heartbeat({ botId, session }) {
      await bots.seen(botId.trim(), session);
    },

    async sweep(staleAfterMs) {
      const stale = await bots.silentSince(staleAfterMs);
      for (const { id, session } of stale)
        await this.disconnect({ botId: id, ...(session ? { session } : {}) });
      return stale.length;
    },

    // In the broker's transaction: a conflict fails the handling, which the broker retries as a whole.
    async timedOut({ botId, shoppingListId, botVersion }) {
      await db.transaction(async () => {
        const bot = await bots.load(botId);
        if (bot.version !== botVersion) return;
        const released = Bot.release(bot.state, { shoppingListId });
        if (released.length === 0) return;
        const list = await lists.load(shoppingListId);
        await changes.list(shoppingListId, list, ShoppingList.release(list.state, { botId }));
        await changes.bot(botId, bot, released);
        await assignment.soon();
      });
    },
  };
}
