import { causedBy, derivedId, newEnvelope, PoisonMessageError } from '@tessera/platform/messaging';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../src/messaging/envelope.js';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const storeCreated = {
  type: 'storesapi.StoreCreated',
  subject: 'mallbots.stores.events.Store',
  key: 'store-1',
  data: { id: 'store-1', name: 'Waldorf Books', location: 'Level 2' },
};

describe('message envelope', () => {
  it('starts a conversation with itself as correlation, and round-trips through the wire format', () => {
    const now = new Date('2026-11-22T10:00:00.000Z');
    const envelope = newEnvelope('stores', storeCreated, { traceparent, now });
    expect(envelope).toMatchObject({
      type: 'storesapi.StoreCreated',
      schemaVersion: 1,
      source: 'stores',
      time: '2026-11-22T10:00:00.000Z',
      correlationId: envelope.id,
      traceparent,
    });
    expect(envelope).not.toHaveProperty('causationId');
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('carries correlation, causation and trace to the messages a handling produces, with stable ids', () => {
    const cause = newEnvelope(
      'baskets',
      { ...storeCreated, type: 'basketsapi.BasketCheckedOut' },
      { traceparent },
    );
    const first = causedBy(cause, 'ordering', 0, { ...storeCreated, type: 'ordersapi.OrderCreated' });
    const retried = causedBy(cause, 'ordering', 0, { ...storeCreated, type: 'ordersapi.OrderCreated' });
    const second = causedBy(cause, 'ordering', 1, { ...storeCreated, type: 'ordersapi.OrderCreated' });
    expect(first).toMatchObject({ correlationId: cause.correlationId, causationId: cause.id, traceparent });
    expect(retried.id).toBe(first.id);
    expect(second.id).not.toBe(first.id);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedId('m-1', 0)).toBe(derivedId('m-1', 0));
    expect(derivedId('m-1', 0)).not.toBe(derivedId('m-2', 0));
  });

  it('turns anything that is not a valid envelope into a poison message naming what is wrong', () => {
    const valid = newEnvelope('stores', storeCreated);
    const poison = (value: unknown) => () => decodeEnvelope(Buffer.from(JSON.stringify(value)));
    expect(() => decodeEnvelope(Buffer.from('{"id": '))).toThrow(PoisonMessageError);
    expect(() => decodeEnvelope(Buffer.from('{"id": '))).toThrow(/not JSON/);
    expect(poison({ ...valid, id: undefined })).toThrow('poison message: id:');
    expect(poison({ ...valid, schemaVersion: 'one' })).toThrow('schemaVersion');
    expect(poison({ ...valid, type: 'StoreCreated' })).toThrow('type: must be <module>.<Name>');
    expect(poison({ ...valid, traceparent: 'nope' })).toThrow('traceparent: must be a W3C traceparent');
    expect(poison({ ...valid, time: 'yesterday' })).toThrow('time');
    expect(poison({ ...valid, colour: 'red' })).toThrow('colour');
    try {
      poison({ ...valid, key: '' })();
    } catch (error) {
      expect(error).toMatchObject({ field: 'key' });
    }
  });

  it('takes text storage cannot hold for poison, in the envelope and in its data, naming where it is', () => {
    const valid = newEnvelope('stores', storeCreated);
    const decode = (value: unknown) => () => decodeEnvelope(Buffer.from(JSON.stringify(value)));
    expect(decode({ ...valid, key: 'k\u0000' })).toThrow('poison message: key: must hold no NUL');
    expect(decode({ ...valid, id: '\ud800' })).toThrow('poison message: id: must hold no NUL');
    expect(decode({ ...valid, data: { payment: { id: 'p\u0000q' } } })).toThrow(
      'poison message: data.payment.id: holds a NUL character',
    );
    expect(decode({ ...valid, data: ['ok', '\udc00'] })).toThrow('poison message: data.1: holds a lone');
    expect(decode({ ...valid, data: { 'k\u0000': 1 } })).toThrow(PoisonMessageError);
    // Escapes of anything else, surrogate pairs included, are text like any other.
    const escaped = { ...valid, data: { text: '\u0001 \u{1f600} \\u0000' } };
    expect(decode(escaped)()).toEqual(escaped);
  });
});
