import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Money } from '../support/parameters.js';
import { type LettersOfCreditWorld, must } from '../support/world.js';
import { amountBody } from './drafts.js';

/**
 * The people of a scenario: I am an importer, registered with the bank; other importers are too; trade finance
 * and the analysts are staff.
 */
Given('I am an importer', async function (this: LettersOfCreditWorld) {
  this.scene.me = await this.importer('Shuri');
});

Given('{string} is an importer too', async function (this: LettersOfCreditWorld, name: string) {
  this.scene.importers.set(name, await this.importer(name));
});

const importer = (world: LettersOfCreditWorld, name: string) =>
  must(world.scene.importers.get(name), `no importer "${name}" in this scenario`);

When('{string} tries to read my draft', async function (this: LettersOfCreditWorld, name: string) {
  await this.call(importer(this, name), 'GET', this.applicationPath(this.current));
});

When(
  '{string} tries to set the amount of my draft to {money}',
  async function (this: LettersOfCreditWorld, name: string, money: Money) {
    await this.call(
      importer(this, name),
      'POST',
      this.applicationPath(this.current, 'change-amount'),
      amountBody(money),
    );
  },
);

/** The tasks as people say them; "change it" is every change of a draft at once. */
const TASKS: Record<string, readonly string[]> = {
  'change it': [
    'change-applicant',
    'change-beneficiary',
    'change-advising-bank',
    'change-amount',
    'change-merchandise',
    'change-documents',
    'change-conditions',
    'change-expiry-date',
  ],
  'submit it': ['submit'],
  'cancel it': ['cancel'],
  'approve it': ['approve'],
  'decline it': ['decline'],
  nothing: [],
};

const tasksSaid = (list: string) =>
  list.split(', ').flatMap((said) => {
    const tasks = TASKS[said];
    if (!tasks) throw new Error(`no task "${said}"; known: ${Object.keys(TASKS).join(', ')}`);
    return tasks;
  });

/** The application offers each reader a link and a form for each task it allows them now, and nothing else. */
async function offered(world: LettersOfCreditWorld, who: Parameters<LettersOfCreditWorld['read']>[1]) {
  const application = await world.read(world.current, who);
  const links = Object.keys(application._links).filter((rel) => rel !== 'self');
  assert.deepEqual(Object.keys(application._templates).sort(), [...links].sort(), 'a form for each link');
  return links.sort();
}

Then(/^what I can do with it now is: (.+)$/, async function (this: LettersOfCreditWorld, list: string) {
  assert.deepEqual(await offered(this, this.me), tasksSaid(list).sort());
});

Then(
  /^what trade finance can do with it now is: (.+)$/,
  async function (this: LettersOfCreditWorld, list: string) {
    assert.deepEqual(await offered(this, await this.tradeFinanceManager()), tasksSaid(list).sort());
  },
);
