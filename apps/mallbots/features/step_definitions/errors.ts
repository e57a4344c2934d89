import assert from 'node:assert/strict';
import { Then } from '@cucumber/cucumber';
import { check } from '../support/assertions.js';
import type { MallBotsWorld } from '../support/world.js';

/** A refusal is an HTTP status with a problem+json body: a stable `code`, a `detail` for people, the fields. */
function problem(world: MallBotsWorld) {
  const last = world.last;
  check(last, 'no request was made');
  return last;
}

Then(
  'I receive a {int} error with code {string}',
  function (this: MallBotsWorld, status: number, code: string) {
    const last = problem(this);
    assert.equal(last.status, status, `${last.method} ${last.path}: ${JSON.stringify(last.body)}`);
    assert.equal(last.body?.code, code, `problem: ${JSON.stringify(last.body)}`);
  },
);

Then('the error says {string}', function (this: MallBotsWorld, detail: string) {
  const body = problem(this).body;
  check(
    typeof body?.detail === 'string' && body.detail.includes(detail),
    `expected the detail to say "${detail}": ${JSON.stringify(body)}`,
  );
});

Then('the error names the field {string}', function (this: MallBotsWorld, field: string) {
  const body = problem(this).body;
  const fields = (body?.errors ?? []).map((error: { field: string }) => error.field);
  check(fields.includes(field), `expected the field ${field} among ${JSON.stringify(fields)}`);
});

Then('the request succeeds', function (this: MallBotsWorld) {
  const last = problem(this);
  check(
    last.status < 300,
    `${last.method} ${last.path} answered ${last.status}: ${JSON.stringify(last.body)}`,
  );
});
