import { isDomainError, stateStored, type UnitOfWork, type Versioned } from '@tessera/platform/ddd';
import * as Bot from '../domain/bot.js';
import * as ShoppingList from '../domain/shopping-list.js';
import type { BotRepository, BotSignals, IntegrationOutbox, ShoppingListRepository } from './ports.js';

export interface DepotChangeDependencies {
  readonly db: UnitOfWork;
  readonly lists: ShoppingListRepository;
  readonly bots: BotRepository;
  readonly outbox: IntegrationOutbox;
  readonly signals: BotSignals;
  /** Told when an automatic assignment failed (it is retried at the next trigger). */
  readonly onError?: (error: unknown) => void;
}

/**
 * How a decision is saved, inside the caller's transaction (the platform's state-stored step): the events
 * folded into the new state, the row saved only at the version that was loaded, and what the change means
 * outside: the integration messages of a list (the outbox) and a wake-up of a bot's stream. No events: nothing
 * is written. Each answers the state after the decision.
 */
export function depotChanges({ db, lists, bots, outbox, signals }: DepotChangeDependencies) {
  const listRows = stateStored({
    db,
    aggregate: ShoppingList.aggregate,
    repository: lists,
    onSaved: ({ id: shoppingListId, state, events, version }) =>
      outbox.publish(
        events.map((event) => ({ shoppingListId, shoppingList: state, event })),
        version,
      ),
  });
  const botRows = stateStored({
    db,
    aggregate: Bot.aggregate,
    repository: bots,
    onSaved: ({ id }) => signals.changed(id),
  });

  return {
    async list(id: string, loaded: Versioned<ShoppingList.State>, events: readonly ShoppingList.Event[]) {
      return (await listRows.apply(id, loaded, events)).state;
    },

    /** `seen`: the bot itself did this (its last-seen time moves). */
    async bot(id: string, loaded: Versioned<Bot.State>, events: readonly Bot.Event[], seen = false) {
      return (await botRows.apply(id, loaded, events, seen)).state;
    },

    /** One transaction: the list loaded, `decide`d and saved. */
    updateList: listRows.update,
  };
}

export type DepotChanges = ReturnType<typeof depotChanges>;

/** A list canceled while a bot holds it recalls the bot; in the canceling transaction. */
export async function recallHolder(
  { bots, changes }: { bots: BotRepository; changes: DepotChanges },
  shoppingListId: string,
  before: ShoppingList.State,
  reason: string,
) {
  const botId = before.assignedBotId;
  if (botId === undefined || !ShoppingList.isHeldBy(before, botId)) return;
  const bot = await bots.load(botId);
  // A list assigned over REST names a bot that may not be one of the fleet: nobody to recall.
  if (!bot.state.exists) return;
  await changes.bot(botId, bot, Bot.recall(bot.state, { shoppingListId, reason }));
}

const MAX_CONFLICTS = 5;

const isConflict = (error: unknown) => isDomainError(error) && error.kind === 'conflict';

/**
 * Runs a transaction again when a row it saved had changed since it was read (a bot's call racing an
 * assignment, say): the decision is made again on fresh rows. A bot's stream closing must not fail on that.
 */
export async function retryingConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isConflict(error) || attempt >= MAX_CONFLICTS) throw error;
    }
  }
}
/**
 * Automatic assignment: the oldest available list goes to the connected bot idle the longest, one pair per
 * transaction, until there is no pair. Assigners take turns on one lock (every depot process's), so the one
 * that runs after a commit sees it: a list made available and a bot connecting at the same moment are paired
 * by whichever assigner runs second, never missed by both. A pass is a few statements, so the turn is short.
 * Run it after a list became available or a bot idle, once that has committed: `soon()` inside a transaction
 * waits for its commit. It never throws: a failure is reported and the next trigger tries again.
 */
export function depotAssignment(dependencies: DepotChangeDependencies) {
  const { db, lists, bots } = dependencies;
  const changes = depotChanges(dependencies);
  const report = dependencies.onError ?? ((error) => console.error('automatic assignment failed', error));

  const assignOne = () =>
    db.transaction(async (): Promise<boolean> => {
      await lists.lockAssignment();
      const listId = await lists.oldestAvailable();
      if (listId === undefined) return false;
      const botId = await bots.longestIdle();
      if (botId === undefined) return false;
      const list = await lists.load(listId);
      const bot = await bots.load(botId);
      await changes.list(listId, list, ShoppingList.assign(list.state, { botId, botName: bot.state.name }));
      await changes.bot(botId, bot, Bot.assign(bot.state, { shoppingListId: listId }));
      return true;
    });

  const pass = async () => {
    try {
      while (await retryingConflicts(assignOne)) {}
    } catch (error) {
      report(error);
    }
  };

  // One pass at a time in this process: a call during a pass waits for the next one, which starts after it
  // and so sees what the caller committed. Callers meanwhile share that next pass, instead of queueing on
  // the lock one transaction each (measured: 2.5 transactions waiting on it on average at 20 clients).
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (!current) {
      current = pass().finally(() => {
        current = undefined;
      });
      return current;
    }
    next ??= current.then(() => {
      next = undefined;
      return run();
    });
    return next;
  };

  return {
    run,
    soon: () => db.afterCommit(run),
  };
}

export type DepotAssignment = ReturnType<typeof depotAssignment>;
