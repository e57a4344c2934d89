import assert from 'node:assert/strict';
import { type DataTable, Given, Then, When } from '@cucumber/cucumber';
import type { Money } from '../support/parameters.js';
import type { LettersOfCreditWorld } from '../support/world.js';

/** Starts a draft as I do, naming it with a client reference; it becomes "my draft". */
export async function startDraft(world: LettersOfCreditWorld, reference: string) {
  const reply = await world.call(world.me, 'POST', world.startPath(), { clientReference: reference });
  if (reply.status === 201) {
    world.scene.applications.set(reference, reply.body.id);
    world.scene.current = reply.body.id;
  }
  return reply;
}

/** Does one task of my current application as I do (changes, submit, cancel). */
export const myTask = (world: LettersOfCreditWorld, task: string, body?: unknown) =>
  world.call(world.me, 'POST', world.applicationPath(world.current, task), body);

/** The amount as the open host service takes it: currency units, and the ISO currency. */
export const amountBody = ({ amount, currency }: Money) => ({ amount, currency });

/** Products are the bank's (Compliance registers them); the merchandise names each by its id. */
export function productId(world: LettersOfCreditWorld, name: string): string {
  const products = world.scene.products;
  let id = products.get(name);
  if (id === undefined) {
    id = crypto.randomUUID();
    products.set(name, id);
  }
  return id;
}

export function merchandise(world: LettersOfCreditWorld, table: DataTable, description?: string) {
  return {
    items: table.hashes().map((row) => ({
      productId: productId(world, row.Product!),
      quantity: Number(row.Quantity),
      description: row.Product,
    })),
    ...(description !== undefined && { description }),
  };
}

/** A party (applicant or beneficiary) as a key/value table: Name, Street, City, Region, Postal code, Country. */
export function party(table: DataTable) {
  const row = table.rowsHash();
  return {
    name: row.Name,
    address: {
      lines: [row.Street],
      city: row.City,
      ...(row.Region && { region: row.Region }),
      ...(row['Postal code'] && { postalCode: row['Postal code'] }),
      country: row.Country,
    },
  };
}

/** An address on one line, as a letter shows it. */
const oneLine = (address: {
  lines: string[];
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
}) =>
  [
    ...address.lines,
    address.city,
    [address.region, address.postalCode].filter(Boolean).join(' '),
    address.country,
  ]
    .filter((part) => part !== '')
    .join(', ');

/** The conditions as a key/value table: Revocable, Transferable (yes/no), Payment, Additional. */
function conditions(table: DataTable) {
  const row = table.rowsHash();
  const payment = row.Payment ?? 'at sight';
  const deferred = /^(\d+) days after sight$/.exec(payment);
  if (!deferred && payment !== 'at sight') throw new Error(`a payment is "at sight" or "N days after sight"`);
  return {
    revocable: row.Revocable === 'yes',
    transferable: row.Transferable === 'yes',
    tenor: deferred ? { kind: 'deferred', days: Number(deferred[1]) } : { kind: 'at-sight' },
    additional: row.Additional ? [row.Additional] : [],
  };
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

/** A calendar date some days from today, by the bank's calendar (UTC). */
export const daysFromToday = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A valid change of each part of an application, for the steps that only need one. */
export const SOME_CHANGE: Record<string, [task: string, body: () => unknown]> = {
  applicant: [
    'change-applicant',
    () => ({
      name: 'Stark Industries',
      address: {
        lines: ['10880 Malibu Point'],
        city: 'Malibu',
        region: 'CA',
        postalCode: '90265',
        country: 'US',
      },
    }),
  ],
  beneficiary: [
    'change-beneficiary',
    () => ({
      name: 'Wakanda Vibranium Exports',
      address: { lines: ['1 Palace Road'], city: 'Birnin Zana', country: 'XW' },
    }),
  ],
  'advising bank': [
    'change-advising-bank',
    () => ({ bic: 'WAKBXWXX', name: 'Bank of Wakanda', country: 'XW' }),
  ],
  amount: ['change-amount', () => ({ amount: 1000, currency: 'USD' })],
  merchandise: ['change-merchandise', () => ({ items: [{ productId: crypto.randomUUID(), quantity: 1 }] })],
  documents: ['change-documents', () => ({ documents: ['Commercial invoice'] })],
  conditions: [
    'change-conditions',
    () => ({ revocable: false, transferable: false, tenor: { kind: 'at-sight' } }),
  ],
  'expiry date': ['change-expiry-date', () => ({ expiryDate: daysFromToday(90) })],
};

Given(
  'I have started a draft called {string}',
  async function (this: LettersOfCreditWorld, reference: string) {
    assert.equal((await startDraft(this, reference)).status, 201, JSON.stringify(this.last?.body));
  },
);

When('I start a draft called {string}', async function (this: LettersOfCreditWorld, reference: string) {
  await startDraft(this, reference);
});

When('I name the applicant of my draft', async function (this: LettersOfCreditWorld, table: DataTable) {
  await myTask(this, 'change-applicant', party(table));
});

When('I name the beneficiary of my draft', async function (this: LettersOfCreditWorld, table: DataTable) {
  await myTask(this, 'change-beneficiary', party(table));
});

Given(
  'I have named the beneficiary of my draft',
  async function (this: LettersOfCreditWorld, table: DataTable) {
    assert.equal((await myTask(this, 'change-beneficiary', party(table))).status, 204);
  },
);

When('I name the advising bank of my draft', async function (this: LettersOfCreditWorld, table: DataTable) {
  const row = table.rowsHash();
  await myTask(this, 'change-advising-bank', {
    bic: row['SWIFT code'],
    name: row.Name,
    country: row.Country,
  });
});

When('I set the amount of my draft to {money}', async function (this: LettersOfCreditWorld, money: Money) {
  await myTask(this, 'change-amount', amountBody(money));
});

Given(
  'I have set the amount of my draft to {money}',
  async function (this: LettersOfCreditWorld, money: Money) {
    assert.equal((await myTask(this, 'change-amount', amountBody(money))).status, 204);
  },
);

When(
  'I describe the merchandise of my draft as {string}',
  async function (this: LettersOfCreditWorld, description: string, table: DataTable) {
    await myTask(this, 'change-merchandise', merchandise(this, table, description));
  },
);

Given(
  'I have described the merchandise of my draft',
  async function (this: LettersOfCreditWorld, table: DataTable) {
    assert.equal((await myTask(this, 'change-merchandise', merchandise(this, table))).status, 204);
  },
);

When(
  'I require these documents of the beneficiary',
  async function (this: LettersOfCreditWorld, table: DataTable) {
    await myTask(this, 'change-documents', { documents: table.raw().map(([clause]) => clause) });
  },
);

When('I set the conditions of my draft', async function (this: LettersOfCreditWorld, table: DataTable) {
  await myTask(this, 'change-conditions', conditions(table));
});

When(
  'I set my draft to expire {int} days from today',
  async function (this: LettersOfCreditWorld, days: number) {
    await myTask(this, 'change-expiry-date', { expiryDate: daysFromToday(days) });
  },
);

When(
  /^I try to change the (.+) of my application$/,
  async function (this: LettersOfCreditWorld, part: string) {
    const change = SOME_CHANGE[part];
    if (!change) throw new Error(`no part "${part}"; known: ${Object.keys(SOME_CHANGE).join(', ')}`);
    await myTask(this, change[0], change[1]());
  },
);

Then('my draft {string} is a draft of mine', async function (this: LettersOfCreditWorld, reference: string) {
  const application = await this.read(this.application(reference));
  assert.equal(application.status, 'draft');
  assert.equal(application.clientReference, reference);
  assert.equal(application.applicantId, this.me.subject, 'the applicant is the importer who started it');
});

Then('it has no amount and no merchandise yet', async function (this: LettersOfCreditWorld) {
  const { amount, merchandise } = await this.read();
  assert.deepEqual({ amount, merchandise }, { amount: undefined, merchandise: undefined });
});

Then(
  'my draft names the applicant {string} at {string}',
  async function (this: LettersOfCreditWorld, name: string, address: string) {
    const { applicant } = await this.read();
    assert.equal(applicant?.name, name, JSON.stringify(applicant));
    assert.equal(oneLine(applicant.address), address);
  },
);

Then(
  'my draft names the beneficiary {string} at {string}',
  async function (this: LettersOfCreditWorld, name: string, address: string) {
    const { beneficiary } = await this.read();
    assert.equal(beneficiary?.name, name, JSON.stringify(beneficiary));
    assert.equal(oneLine(beneficiary.address), address);
  },
);

Then(
  /^my draft names no (applicant|beneficiary)$/,
  async function (this: LettersOfCreditWorld, part: string) {
    const application = await this.read();
    assert.equal(application[part], undefined, JSON.stringify(application[part]));
  },
);

Then(
  'my draft is advised by {string} \\({word}) in {word}',
  async function (this: LettersOfCreditWorld, name: string, bic: string, country: string) {
    const { advisingBank } = await this.read();
    assert.deepEqual(advisingBank, { bic, name, country });
  },
);

Then('my draft is for {money}', async function (this: LettersOfCreditWorld, money: Money) {
  const { amount } = await this.read();
  assert.deepEqual(amount, amountBody(money));
});

Then(
  "my draft's merchandise is {string}",
  async function (this: LettersOfCreditWorld, description: string, table: DataTable) {
    const { merchandise: kept } = await this.read();
    assert.deepEqual(kept, merchandise(this, table, description));
  },
);

Then('my draft requires these documents', async function (this: LettersOfCreditWorld, table: DataTable) {
  const { documents } = await this.read();
  assert.deepEqual(
    documents,
    table.raw().map(([clause]) => clause),
  );
});

Then("my draft's conditions are", async function (this: LettersOfCreditWorld, table: DataTable) {
  const { conditions: kept } = await this.read();
  assert.ok(kept, 'my draft has no conditions');
  assert.deepEqual(
    {
      Revocable: yesNo(kept.revocable),
      Transferable: yesNo(kept.transferable),
      Payment: kept.tenor.kind === 'at-sight' ? 'at sight' : `${kept.tenor.days} days after sight`,
      ...(kept.additional.length > 0 && { Additional: kept.additional.join('; ') }),
    },
    table.rowsHash(),
  );
});

Then('my draft expires {int} days from today', async function (this: LettersOfCreditWorld, days: number) {
  const { expiryDate } = await this.read();
  assert.equal(expiryDate, daysFromToday(days));
});

Then('my draft is still a draft', async function (this: LettersOfCreditWorld) {
  assert.equal((await this.read()).status, 'draft');
});
