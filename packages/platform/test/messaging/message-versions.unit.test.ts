import { channelContract, newEnvelope, onMessages, PoisonMessageError } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** Version 2 split the name in two; version 1 messages are still in the stream. */
const schemas = { 'people.Registered': z.strictObject({ first: z.string(), last: z.string() }) };
const versions = {
  'people.Registered': {
    version: 2,
    upcasters: {
      1: (data: unknown) => {
        const [first = '', ...rest] = String((data as { name: string }).name).split(' ');
        return { first, last: rest.join(' ') };
      },
    },
  },
};
const registered = (schemaVersion: number, data: unknown) =>
  newEnvelope('people', {
    type: 'people.Registered',
    subject: 'people.events',
    key: 'k',
    schemaVersion,
    data,
  });

function consumer() {
  const seen: unknown[] = [];
  const handle = onMessages(
    schemas,
    {
      'people.Registered': async (data, message) => {
        seen.push({ data, envelopeData: message.data });
      },
    },
    { versions },
  );
  return { seen, handle };
}

describe('messages whose shape changed, read by a consumer of the new version', () => {
  it('lifts a version 1 message to version 2 before checking and handling it', async () => {
    const { seen, handle } = consumer();
    await handle(registered(1, { name: 'Ada King Lovelace' }));
    expect(seen).toEqual([
      {
        data: { first: 'Ada', last: 'King Lovelace' },
        envelopeData: { first: 'Ada', last: 'King Lovelace' },
      },
    ]);
  });

  it('reads a version 2 message as it is', async () => {
    const { seen, handle } = consumer();
    await handle(registered(2, { first: 'Grace', last: 'Hopper' }));
    expect(seen).toEqual([
      { data: { first: 'Grace', last: 'Hopper' }, envelopeData: { first: 'Grace', last: 'Hopper' } },
    ]);
  });

  it('makes poison of a version 1 message the upcaster cannot lift, and of one that does not fit once lifted', async () => {
    const { handle } = consumer();
    await expect(handle(registered(1, null))).rejects.toBeInstanceOf(PoisonMessageError);
    const stray = onMessages(
      schemas,
      { 'people.Registered': async () => {} },
      {
        versions: {
          'people.Registered': { version: 3, upcasters: { 1: versions['people.Registered'].upcasters[1] } },
        },
      },
    );
    await expect(stray(registered(2, { first: 'A', last: 'B' }))).rejects.toThrow(
      /no upcaster from version 2/,
    );
  });

  it('shows the version published now in the channel contract', () => {
    const channel = channelContract({
      address: 'people.events',
      description: 'People',
      messages: schemas,
      summaries: { 'people.Registered': 'Someone registered' },
      versions,
    });
    expect(channel.messages[0]).toMatchObject({ name: 'people.Registered', schemaVersion: 2 });
  });
});
