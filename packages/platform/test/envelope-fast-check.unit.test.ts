import { newEnvelope, PoisonMessageError } from '@tessera/platform/messaging';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEnvelope, decodeEnvelope, envelopeSchema, plainlyValid } from '../src/messaging/envelope.js';

const valid = newEnvelope('orders', {
  type: 'ordersapi.OrderPlaced',
  subject: 'mallbots.ordering.events.Order',
  key: 'order-1',
  data: { total: 1250 },
});

/** Values a field could take on the wire: valid ones, and each kind of invalid one. */
const fieldValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.integer({ min: -2, max: 3 }),
  fc.constantFrom(2 ** 53, 2 ** 53 - 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.string({ minLength: 190, maxLength: 520 }),
  fc.constantFrom(
    'ordersapi.OrderPlaced',
    'Orders.Placed',
    'a.b.c',
    'mallbots.ordering.events.Order',
    'mallbots..x',
    'mallbots.ordering.>',
    '2026-11-22T19:00:00.000Z',
    '2026-02-30T19:00:00.000Z',
    '2026-11-22T19:00:00Z',
    '2026-11-22T19:00:00.000+01:00',
    '2026-13-01T00:00:00.000Z',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
    'a\u0000b',
    '\ud800',
    '\udc00x',
    '\u{1f600}',
  ),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

const fields = [...Object.keys(envelopeSchema.shape), 'extra', 'toString'];

describe('the fast envelope check', () => {
  it('accepts only what the schema accepts, whatever each field holds', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...fields), fieldValue, { maxKeys: 6 }),
        fc.boolean(),
        (changes, startValid) => {
          const candidate: Record<string, unknown> = startValid ? { ...valid, ...changes } : changes;
          const schema = envelopeSchema.safeParse(candidate).success;
          if (plainlyValid(candidate)) expect(schema).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it("takes the envelopes this platform makes without the schema's help", () => {
    expect(plainlyValid(valid)).toBe(true);
    expect(plainlyValid(JSON.parse(JSON.stringify(valid)))).toBe(true);
    expect(plainlyValid({ ...valid, causationId: 'c-1', replyTo: 'mallbots.x.replies' })).toBe(true);
  });

  it('leaves what it cannot vouch for to the schema, which still accepts what is valid and names what is not', () => {
    const offset = { ...valid, time: '2026-11-22T19:00:00.000+01:00' };
    expect(plainlyValid(offset)).toBe(false);
    expect(checkEnvelope(offset)).toEqual(offset);
    expect(() => checkEnvelope({ ...valid, time: '2026-02-30T19:00:00.000Z' })).toThrow(/time/);
    expect(() => decodeEnvelope(Buffer.from(JSON.stringify({ ...valid, key: '' })))).toThrow(
      PoisonMessageError,
    );
    expect(() => decodeEnvelope(Buffer.from(JSON.stringify({ ...valid, surprise: 1 })))).toThrow(/surprise/);
  });
});
