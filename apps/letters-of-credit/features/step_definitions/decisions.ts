import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { Money } from '../support/parameters.js';
import type { Actor, LettersOfCreditWorld } from '../support/world.js';
import { amountBody, myTask, startDraft } from './drafts.js';

/** Gives my current draft what a submission needs (an amount, merchandise) and submits it. */
async function submitComplete(
  world: LettersOfCreditWorld,
  money: Money = { amount: 25_000, currency: 'USD' },
) {
  const steps: Array<[string, unknown]> = [
    ['change-amount', amountBody(money)],
    [
      'change-merchandise',
      { items: [{ productId: crypto.randomUUID(), quantity: 1, description: 'Vibranium ore' }] },
    ],
    ['submit', undefined],
  ];
  for (const [task, body] of steps) {
    const reply = await myTask(world, task, body);
    assert.equal(reply.status, 204, `${task}: ${JSON.stringify(reply.body)}`);
  }
}

async function submitted(world: LettersOfCreditWorld, reference: string, money: Money) {
  const started = await startDraft(world, reference);
  assert.equal(started.status, 201, JSON.stringify(started.body));
  await submitComplete(world, money);
}

Given('I have submitted my application', async function (this: LettersOfCreditWorld) {
  await submitComplete(this);
});

Given(
  'I have submitted an application called {string} for {money}',
  async function (this: LettersOfCreditWorld, reference: string, money: Money) {
    await submitted(this, reference, money);
  },
);

Given(
  'I have submitted these applications, each for {money}',
  async function (this: LettersOfCreditWorld, money: Money, table: DataTable) {
    for (const { Application } of table.hashes()) await submitted(this, Application!, money);
  },
);

When('I submit my application', async function (this: LettersOfCreditWorld) {
  await myTask(this, 'submit');
});

/**
 * A decision on one of my applications (the current one unless named): trade finance approves, declines or
 * cancels; I cancel. The application's reminders when decided are kept: none may come after.
 */
async function decide(
  world: LettersOfCreditWorld,
  who: Actor,
  task: 'approve' | 'decline' | 'cancel',
  reference?: string,
  body?: unknown,
) {
  const id = reference === undefined ? world.current : world.application(reference);
  const reply = await world.call(who, 'POST', world.applicationPath(id, task), body);
  if (reply.status === 204) {
    world.scene.remindersWhenDecided.set(id, (await world.read(id)).approvalReminders);
  }
  return reply;
}

const DECISIONS = { approves: 'approve', declines: 'decline', cancels: 'cancel' } as const;

When(
  /^a trade finance manager (approves|declines|cancels) my application$/,
  async function (this: LettersOfCreditWorld, decision: keyof typeof DECISIONS) {
    await decide(this, await this.tradeFinanceManager(), DECISIONS[decision]);
  },
);

When(
  /^a trade finance manager (approves|declines) "([^"]+)"$/,
  async function (this: LettersOfCreditWorld, decision: 'approves' | 'declines', reference: string) {
    await decide(this, await this.tradeFinanceManager(), DECISIONS[decision], reference);
  },
);

When(
  'a trade finance manager declines my application because {string}',
  async function (this: LettersOfCreditWorld, reason: string) {
    await decide(this, await this.tradeFinanceManager(), 'decline', undefined, { reason });
  },
);

Given(
  'a trade finance manager has {decided} my application',
  async function (this: LettersOfCreditWorld, decided: 'approved' | 'declined') {
    const task = decided === 'approved' ? 'approve' : 'decline';
    const reply = await decide(this, await this.tradeFinanceManager(), task);
    assert.equal(reply.status, 204, JSON.stringify(reply.body));
  },
);

When(
  /^I try to (approve|decline) my own application$/,
  async function (this: LettersOfCreditWorld, task: string) {
    await myTask(this, task);
  },
);

When('I cancel my application', async function (this: LettersOfCreditWorld) {
  await decide(this, this.me, 'cancel');
});

When('I cancel {string}', async function (this: LettersOfCreditWorld, reference: string) {
  await decide(this, this.me, 'cancel', reference);
});

Given('I have canceled my application', async function (this: LettersOfCreditWorld) {
  const reply = await decide(this, this.me, 'cancel');
  assert.equal(reply.status, 204, JSON.stringify(reply.body));
});

Then('my application is {status}', async function (this: LettersOfCreditWorld, status: string) {
  assert.equal((await this.read()).status, status);
});
