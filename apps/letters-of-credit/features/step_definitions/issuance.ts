import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import type { Money } from '../support/parameters.js';
import { API, type LettersOfCreditWorld } from '../support/world.js';
import { amountBody } from './drafts.js';

/** The bank's number for an LC: KPB-LC-<year of issue>-<six digits>, sequential within the year. */
const LC_NUMBER = /^KPB-LC-\d{4}-\d{6}$/;

const lcPath = (id: string) => `${API}/issuance/lc-applications/${id}/lc`;

/** The LC issued for one of my applications, as I see it, once LC Issuance has issued it. */
async function issued(world: LettersOfCreditWorld, id: string) {
  const { lc } = await eventually(
    'a letter of credit is issued for my application',
    () => world.client.find(world.me.login, lcPath(id)),
    (answer) => answer !== undefined,
  );
  assert.match(lc.lcNumber, LC_NUMBER);
  assert.equal(lc.lcApplicationId, id);
  assert.equal(lc.applicantId, world.me.subject);
  return lc;
}

Then(
  'a letter of credit is issued for my application, with a number of its own',
  async function (this: LettersOfCreditWorld) {
    await issued(this, this.current);
  },
);

Then('the letter of credit is for {money}', async function (this: LettersOfCreditWorld, money: Money) {
  assert.deepEqual((await issued(this, this.current)).amount, amountBody(money));
});

Then(
  'a letter of credit is issued for {string}',
  async function (this: LettersOfCreditWorld, reference: string) {
    const lc = await issued(this, this.application(reference));
    assert.equal(lc.clientReference, reference);
  },
);

Then('each has a letter of credit, with different numbers', async function (this: LettersOfCreditWorld) {
  const numbers = [];
  for (const id of this.scene.applications.values()) numbers.push((await issued(this, id)).lcNumber);
  assert.equal(new Set(numbers).size, numbers.length, `numbers: ${numbers.join(', ')}`);
});

/**
 * Read after another application's LC was issued (its approval came after this one's decision): a decline
 * issues nothing, then or later.
 */
Then(
  'no letter of credit is issued for {string}',
  async function (this: LettersOfCreditWorld, reference: string) {
    const lc = await this.client.find(this.me.login, lcPath(this.application(reference)));
    assert.equal(lc, undefined, JSON.stringify(lc));
  },
);
