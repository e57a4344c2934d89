import {
  AlreadyRegisteredTypeError,
  createRegistry,
  UnregisteredTypeError,
} from '@tessera/platform/registry';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('type registry', () => {
  it('refuses a second registration under the same name', () => {
    const registry = createRegistry({ name: 'a.A', version: 1 });
    expect(() => registry.register({ name: 'a.A', version: 1 })).toThrow(AlreadyRegisteredTypeError);
    expect(() => registry.register({ name: 'a.A', version: 1 })).toThrow(
      'something with the name `a.A` has already been registered',
    );
  });

  it('names the unknown type on encode and decode', () => {
    const registry = createRegistry();
    expect(() => registry.encode('a.Missing', {})).toThrow(UnregisteredTypeError);
    expect(() => registry.decode('a.Missing', 1, {})).toThrow(
      'nothing has been registered with the name `a.Missing`',
    );
  });

  it('requires an upcaster for every older version', () => {
    expect(() => createRegistry({ name: 'a.B', version: 3, upcasters: { 1: (d) => d } })).toThrow(
      'a.B is at version 3 but has no upcaster from version 2',
    );
    expect(() => createRegistry({ name: 'a.C', version: 0 })).toThrow(
      'version must be a whole number from 1',
    );
  });

  it('round-trips data, validating with the schema on encode and, when asked, on decode', () => {
    const registry = createRegistry({
      name: 'a.D',
      version: 1,
      schema: z.strictObject({ n: z.number().int() }),
    });
    const encoded = registry.encode('a.D', { n: 4 });
    expect(encoded).toEqual({ name: 'a.D', version: 1, data: '{"n":4}', value: { n: 4 } });
    expect(registry.decode('a.D', 1, JSON.parse(encoded.data))).toEqual({ n: 4 });
    // A payload that is itself a string stays a string.
    const strings = createRegistry({ name: 'a.S', version: 1 });
    expect(strings.decode('a.S', 1, '{"a":1}')).toBe('{"a":1}');
    expect(() => registry.encode('a.D', { n: 1.5 })).toThrow();
    expect(registry.decode('a.D', 1, { n: 'x' })).toEqual({ n: 'x' });
    expect(() => registry.decode('a.D', 1, { n: 'x' }, { validate: true })).toThrow();
  });

  it('rejects a stored version that is not a version', () => {
    const registry = createRegistry({ name: 'a.E', version: 2, upcasters: { 1: (d) => d } });
    expect(() => registry.decode('a.E', 0, {})).toThrow('stored version 0 is not a valid schema version');
  });
});
