import { conflict } from '@tessera/platform/ddd';
import { describe, expect, it } from 'vitest';
import { depotAssignment } from '../../../src/depot/application/changes.js';
import type {
  BotRepository,
  BotSignals,
  IntegrationOutbox,
  ShoppingListRepository,
} from '../../../src/depot/application/ports.js';
import * as Bot from '../../../src/depot/domain/bot.js';
import type * as ShoppingList from '../../../src/depot/domain/shopping-list.js';
import { inMemoryUnitOfWork } from '../support/unit-of-work.js';

const LIST = '2d8e5c74-a06b-4b9a-9f3c-4e5d6f7a8b92';

/**
 * The assignment loop against rows in memory: it takes the assignment lock before it looks, assigns until no
 * pair is left, retries a conflict, and reports (never throws) any other failure.
 */
function world(script: { failures?: unknown[] } = {}) {
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
  const db = inMemoryUnitOfWork;
  const lists = {
    lockAssignment: async () => void saved.push('lock'),
    oldestAvailable: async () => (list.state.status === 'available' ? LIST : undefined),
    load: async () => list,
    async save(_id: string, state: ShoppingList.State) {
      const failure = failures.shift();
      if (failure) throw failure;
      list = { state, version: list.version + 1 };
      saved.push(`list ${state.status} ${state.assignedBotId}`);
    },
  } as unknown as ShoppingListRepository;
  const bots = {
    longestIdle: async () => (Bot.statusOf(bot.state) === 'idle' ? 'bot-1' : undefined),
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
  return { assignment, saved, reported };
}

describe('automatic assignment', () => {
  it('runs one pass at a time: calls during a pass share the next one, which starts after it', async () => {
    const { assignment, saved } = world();
    await Promise.all([assignment.run(), assignment.run(), assignment.run(), assignment.run()]);
    // The first pass assigns the pair and finds no other; one more pass, for the three calls made during
    // it, runs after it and finds nothing left. Four passes at once would each have looked.
    expect(saved).toEqual([
      'lock',
      `list assigned bot-1`,
      `bot shopping ${LIST}`,
      'signal bot-1',
      'lock',
      'lock',
    ]);
  });

  it('takes the assignment lock before it looks, assigns the pair, and stops when none is left', async () => {
    const { assignment, saved } = world();
    await assignment.run();
    expect(saved).toEqual(['lock', `list assigned bot-1`, `bot shopping ${LIST}`, 'signal bot-1', 'lock']);
  });

  it('retries a conflict, and reports (never throws) any other failure', async () => {
    const retried = world({ failures: [conflict('concurrent_modification', 'changed')] });
    await retried.assignment.run();
    expect(retried.saved).toEqual([
      'lock',
      'lock',
      `list assigned bot-1`,
      `bot shopping ${LIST}`,
      'signal bot-1',
      'lock',
    ]);
    expect(retried.reported).toEqual([]);

    const broken = new Error('the database went away');
    const failed = world({ failures: [broken] });
    await expect(failed.assignment.run()).resolves.toBeUndefined();
    expect(failed.reported).toEqual([broken]);
    expect(failed.saved).toEqual(['lock']);
  });
});
