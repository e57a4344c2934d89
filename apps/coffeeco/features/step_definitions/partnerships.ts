import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { eventually } from '@tessera/platform/testing';
import { API, type CoffeeCoWorld, must } from '../support/world.js';

const availability = (location: string, from: string, to: string) =>
  `${API}/partnerships?${new URLSearchParams({ location, from, to })}`;

When(
  'the partner is asked for hotels in {word} from {word} to {word} until it answers',
  async function (this: CoffeeCoWorld, location: string, from: string, to: string) {
    this.last = await eventually(
      'the partner answers',
      () => this.client.call('anonymous', 'GET', availability(location, from, to)),
      (reply) => reply.status === 200,
    );
  },
);

When(
  'the partner is asked for hotels in {word} from {word} to {word}',
  async function (this: CoffeeCoWorld, location: string, from: string, to: string) {
    await this.call('anonymous', 'GET', availability(location, from, to));
  },
);

Then(
  'it lists {string} at {int} US dollars a night',
  function (this: CoffeeCoWorld, name: string, dollars: number) {
    const hotels = must(this.last, 'nothing was asked yet').body.availableHotels as {
      name: string;
      priceInUSDPerNight: number;
    }[];
    assert.deepEqual(
      hotels.find((hotel) => hotel.name === name),
      { name, priceInUSDPerNight: dollars },
    );
  },
);

Then('the answer is a bad request naming {string}', function (this: CoffeeCoWorld, field: string) {
  const reply = must(this.last, 'nothing was asked yet');
  assert.equal(reply.status, 400);
  assert.ok(
    (reply.body.errors as { field: string }[]).some((error) => error.field === field),
    JSON.stringify(reply.body),
  );
});
