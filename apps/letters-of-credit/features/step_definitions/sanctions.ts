import { Given } from '@cucumber/cucumber';
import { eventually, succeeded } from '@tessera/platform/testing';
import { sanctionsRoles } from '../../src/sanctions/contract/roles.js';
import { API, type LettersOfCreditWorld } from '../support/world.js';

/**
 * A sanctions officer puts a country on the list; the step ends once LC Application Processing refuses an
 * exporter there, which it decides on its own copy of the list, kept from what Sanctions publishes. (The copy
 * is not shown to anyone: a beneficiary on a draft of the importer's own, kept out of the scenario's, is how
 * a person would find out.)
 */
Given(
  /^(\w+) \(([A-Z]{2})\) (?:is|comes) under sanctions$/,
  async function (this: LettersOfCreditWorld, country: string, code: string) {
    const officer = await this.staff(sanctionsRoles.sanctionsOfficer.name);
    await this.ok(officer, 'PUT', `${API}/sanctions/countries/${code}`);
    const me = this.me.login;
    const probe = succeeded(
      await this.client.call(me, 'POST', this.startPath(), { clientReference: `Trade with ${country}` }),
    ).id;
    const exporter = {
      name: `An exporter in ${country}`,
      address: { lines: ['1 Main Street'], city: 'Capital', country: code },
    };
    await eventually(
      `LC Application Processing knows that ${country} is under sanctions`,
      () => this.client.call(me, 'POST', this.applicationPath(probe, 'change-beneficiary'), exporter),
      (reply) => reply.body?.code === 'cannot_trade_with_sanctioned_country',
    );
  },
);
