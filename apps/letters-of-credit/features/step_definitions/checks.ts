import assert from 'node:assert/strict';
import { Given, Then } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import { AUTO_APPROVAL } from '../../src/auto-approval/application/process.js';
import { complianceRoles } from '../../src/compliance/contract/roles.js';
import { onboardingRoles } from '../../src/onboarding/contract/roles.js';
import type { Money } from '../support/parameters.js';
import { API, type LettersOfCreditWorld } from '../support/world.js';
import { amountBody, productId } from './drafts.js';

/**
 * The partners of LC Application Processing as their people use them: an importer registers with Customer
 * Onboarding (their account, their applicant id) and a credit analyst gives them a credit line; a product
 * analyst registers products with Compliance. Their decisions on a submitted application are read as trade
 * finance reads them.
 */
Given(
  'I am an importer registered with the bank, with a credit line of {money}',
  async function (this: LettersOfCreditWorld, creditLine: Money) {
    const me = await this.registerImporter('Ramonda Udaku');
    this.scene.me = me;
    const analyst = await this.staff(onboardingRoles.creditAnalyst.name);
    await this.ok(
      analyst,
      'PUT',
      `${API}/onboarding/applicants/${me.subject}/credit-line`,
      amountBody(creditLine),
    );
  },
);

Given(
  'the product {string} is registered as {string} at {money} a unit',
  async function (this: LettersOfCreditWorld, name: string, category: string, price: Money) {
    assert.equal(price.currency, 'USD', 'reference prices are in USD');
    const analyst = await this.staff(complianceRoles.productAnalyst.name);
    await this.ok(analyst, 'PUT', `${API}/compliance/products/${productId(this, name)}`, {
      name,
      category,
      referencePrice: price.amount,
    });
  },
);

interface Decision {
  readonly approved: boolean;
  readonly remarks?: string;
}

/** A check's decision on my application, once it is made (404 until then), as trade finance reads it. */
async function decision(
  world: LettersOfCreditWorld,
  check: 'value' | 'legality' | 'credit',
): Promise<Decision> {
  const manager = await world.tradeFinanceManager();
  const path =
    check === 'credit'
      ? `${API}/onboarding/credit-checks/${world.current}`
      : `${API}/compliance/product-checks/${world.current}`;
  const found = await eventually(
    `the ${check} check of my application is decided`,
    () => world.client.find(manager.login, path),
    (answer) => answer !== undefined,
  );
  return check === 'credit' ? found.decision : found[check];
}

const CHECKS = {
  "the product's value is found": { check: 'value', favourable: 'acceptable', unfavourable: 'unacceptable' },
  'the product is found': { check: 'legality', favourable: 'legal', unfavourable: 'illegal' },
  'my credit is found': { check: 'credit', favourable: 'sufficient', unfavourable: 'insufficient' },
} as const;

Then(
  /^(the product's value is found|the product is found|my credit is found) (\w+)(?:: "(.+)")?$/,
  async function (
    this: LettersOfCreditWorld,
    said: keyof typeof CHECKS,
    found: string,
    remarks: string | null,
  ) {
    const { check, favourable, unfavourable } = CHECKS[said];
    assert.ok([favourable, unfavourable].includes(found as never), `found ${favourable} or ${unfavourable}`);
    const decided = await decision(this, check);
    assert.equal(decided.approved, found === favourable, `the ${check} check: ${JSON.stringify(decided)}`);
    if (remarks) {
      assert.ok(decided.remarks?.includes(remarks), `the remarks were: ${decided.remarks}`);
    }
  },
);

/** The auto-approval of my application, as the operators' route shows it, once it has ended. */
async function autoApprovalEnded(world: LettersOfCreditWorld) {
  const path = `${world.system.adminPath('auto-approval')}/sagas/${AUTO_APPROVAL}/${world.current}`;
  const { instance } = await eventually(
    'the auto-approval of my application has ended',
    () => world.client.find('operator', path),
    (answer) => answer?.instance?.status === 'completed',
  );
  return instance as { data: { ending?: { reason: string; detail?: string } } };
}

Then(
  'my application is approved, with no one from trade finance involved',
  async function (this: LettersOfCreditWorld) {
    await eventually(
      'my application is approved',
      () => this.read(),
      (application) => application.status === 'approved',
    );
    const { ending } = (await autoApprovalEnded(this)).data;
    assert.deepEqual(ending, { reason: 'approved', detail: 'by auto-approval' });
  },
);

/**
 * The auto-approval let my application go without approving it (over the limit, or a check rejected it): it
 * will not approve it later, so a person has to decide it.
 */
Then('my application waits for trade finance', async function (this: LettersOfCreditWorld) {
  const { data } = await autoApprovalEnded(this);
  assert.ok(data.ending && data.ending.reason !== 'approved', JSON.stringify(data));
  const application = await this.read(this.current, await this.tradeFinanceManager());
  assert.equal(application.status, 'submitted');
  assert.ok(application._links.approve && application._links.decline, 'trade finance may decide it');
});
