import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import { DAY_MS, type LettersOfCreditWorld, type Watch } from '../support/world.js';

/**
 * The reminders are watched as a client sees them: the application's count of reminders and its past-due
 * mark, read until they change. A deadline never fires early, so the moment a change is first seen is no
 * earlier than its day: that is what each step checks (late is possible on a busy machine, early never).
 */
const dayOf = (watch: Watch, at: number) => (at - watch.submittedAt) / DAY_MS;

async function watch(world: LettersOfCreditWorld): Promise<Watch> {
  if (!world.scene.watched) {
    const { submittedAt } = await world.read();
    assert.ok(submittedAt, 'the application was not submitted');
    world.scene.watched = { id: world.current, submittedAt: Date.parse(submittedAt) };
  }
  return world.scene.watched;
}

/** Waits until the application shows what `done` expects, and answers the day it was first seen on. */
async function firstSeen(
  world: LettersOfCreditWorld,
  watch: Watch,
  what: string,
  done: (application: { approvalReminders: number; pastDue: boolean }) => boolean,
) {
  const application = await eventually(what, () => world.read(watch.id), done);
  return { application, day: dayOf(watch, Date.now()) };
}

When('nobody decides it', async function (this: LettersOfCreditWorld) {
  await watch(this);
});

Then('a first reminder is sent on day 10', async function (this: LettersOfCreditWorld) {
  const seen = await firstSeen(this, await watch(this), 'a first reminder', (a) => a.approvalReminders >= 1);
  assert.ok(seen.day >= 10, `the first reminder came on day ${seen.day.toFixed(1)}, before day 10`);
});

Then('a second reminder on day 20', async function (this: LettersOfCreditWorld) {
  const seen = await firstSeen(this, await watch(this), 'a second reminder', (a) => a.approvalReminders >= 2);
  assert.ok(seen.day >= 20, `the second reminder came on day ${seen.day.toFixed(1)}, before day 20`);
});

Then('on day 30 it is past due, after two reminders', async function (this: LettersOfCreditWorld) {
  const seen = await firstSeen(this, await watch(this), 'it is past due', (a) => a.pastDue);
  assert.ok(seen.day >= 30, `it was past due on day ${seen.day.toFixed(1)}, before day 30`);
  assert.equal(seen.application.approvalReminders, 2, 'two reminders, then past due');
});

Then('it still waits for a decision', async function (this: LettersOfCreditWorld) {
  assert.equal((await this.read()).status, 'submitted');
});

/**
 * The application nobody decides is the clock of the others: submitted after them, it is past due only once
 * their own day 30 has come too. (A step that waited for a time instead would be a sleep, and prove less.)
 */
When(
  'nobody decides {string} until it is past due, on day 30',
  async function (this: LettersOfCreditWorld, reference: string) {
    const id = this.application(reference);
    const application = await eventually(
      `"${reference}" is past due`,
      () => this.read(id),
      (a) => a.pastDue,
    );
    assert.equal(application.approvalReminders, 2, 'two reminders, then past due');
  },
);

Then(
  /^no reminder came for (.+) after (?:its|their) decisions?, and none is past due$/,
  async function (this: LettersOfCreditWorld, names: string) {
    const references = [...names.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(references.length > 0, `no application named in ${names}`);
    for (const reference of references) {
      const id = this.application(reference);
      const before = this.scene.remindersWhenDecided.get(id);
      assert.notEqual(before, undefined, `"${reference}" was not decided in this scenario`);
      const { approvalReminders, pastDue } = await this.read(id);
      assert.deepEqual(
        { reference, approvalReminders, pastDue },
        { reference, approvalReminders: before, pastDue: false },
      );
    }
  },
);
