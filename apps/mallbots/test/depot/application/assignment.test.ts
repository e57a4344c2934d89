import { conflict } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';
import { depotAssignment } from '../../../src/depot/application/changes.js';
import type {
  BotRepository,
  BotSignals,
  IntegrationOutbox,
  ShoppingListRepository,
  UnitOfWork,
} from '../../../src/depot/application/ports.js';
import * as Bot from '../../../src/depot/domain/bot.js';
import type * as ShoppingList from '../../../src/depot/domain/shopping-list.js';

const LIST = '2d8e5c74-a06b-4b9a-9f3c-4e5d6f7a8b92';

/**
 * The assignment loop against rows in memory, to pin down what the databases only show under load: another
 * assigner holding the only available list (SKIP LOCKED hides it) is contention, looked at again; a conflict
 * is retried; any other failure is reported, never thrown.
 */
function world(script: { lockedFor?: number; failures?: unknown[] } = {}) {
  let locks = 0;
  const failures = [...(script.failures ?? [])];
  const saved: string[] = [];
  const reported: unknown[] = [];
  let list: { state: ShoppingList.State; version: number } = {
    state: {
      exists: true,
      orderId: LIST,
      stops: [],
      status: 'available',
    },
    version: 2,
  };
  let bot: { state: Bot.State; version: number } = {
    state: { exists: true, name: 'Robby', online: true },
    version: 2,
  };
  const db: UnitOfWork = {
    transaction: (work) => work(),
    afterCommit: async (callback) => {
      await callback();
    },
  };
  const lists = {
    async lockOldestAvailable() {
      locks++;
      if (locks <= (script.lockedFor ?? 0)) return undefined;
      return list.state.status === 'available' ? LIST : undefined;
    },
    anyAvailable: async () => list.state.status === 'available',
    load: async () => list,
    async save(_id: string, state: ShoppingList.State) {
      const failure = failures.shift();
      if (failure) throw failure;
      list = { state, version: list.version + 1 };
      saved.push(`list ${state.status} ${state.assignedBotId}`);
    },
  } as unknown as ShoppingListRepository;
  const bots = {
    lockIdle: async () => (Bot.statusOf(bot.state) === 'idle' ? 'bot-1' : undefined),
    anyIdle: async () => Bot.statusOf(bot.state) === 'idle',
    load: async () => bot,
    async save(_id: string, state: Bot.State) {
      bot = { state, version: bot.version + 1 };
      saved.push(`bot ${Bot.statusOf(state)} ${state.errand?.shoppingListId}`);
    },
  } as unknown as BotRepository;
  const outbox: IntegrationOutbox = { publish: async () => {} };
  const signals = { changed: async (id: string) => void saved.push(`signal ${id}`) } as unknown as BotSignals;
  const assignment = depotAssignment({
    db,
    lists,
    bots,
    outbox,
    signals,
    onError: (error) => reported.push(error),
  });
  return { assignment, saved, reported, locks: () => locks };
}

describe('automatic assignment', () => {
  it('looks again when the available list was held by another assigner, and then assigns it', async () => {
    const { assignment, saved, locks } = world({ lockedFor: 2 });
    await assignment.run();
    expect(saved).toEqual([`list assigned bot-1`, `bot shopping ${LIST}`, 'signal bot-1']);
    // Two passes found it held, the third took it, the fourth found nothing left.
    expect(locks()).toBe(4);
  });

  it('gives up after a bounded number of looks when the list stays held (the next trigger tries again)', async () => {
    const { assignment, saved, reported, locks } = world({ lockedFor: 1_000 });
    await assignment.run();
    expect(saved).toEqual([]);
    expect(reported).toEqual([]);
    expect(locks()).toBeGreaterThan(1);
    expect(locks()).toBeLessThan(20);
  });

  it('retries a conflict, and reports (never throws) any other failure', async () => {
    const retried = world({ failures: [conflict('concurrent_modification', 'changed')] });
    await retried.assignment.run();
    expect(retried.saved).toEqual([`list assigned bot-1`, `bot shopping ${LIST}`, 'signal bot-1']);
    expect(retried.reported).toEqual([]);

    const broken = new Error('the database went away');
    const failed = world({ failures: [broken] });
    await expect(failed.assignment.run()).resolves.toBeUndefined();
    expect(failed.reported).toEqual([broken]);
    expect(failed.saved).toEqual([]);
  });
});
