/**
 * Event and message types, registered by name with the schema version the code writes today.
 * Stored data of an older version is lifted on read by a chain of upcasters (v1 -> v2 -> ... -> current),
 * so handlers only ever see the current shape.
 */

/** Lifts data of version `from` to version `from + 1`. */
export type Upcaster = (data: unknown) => unknown;

/** Anything with zod's `parse` shape: validation is optional and library-agnostic. */
export interface Validator<T> {
  parse(data: unknown): T;
}

export interface TypeDefinition<T = unknown> {
  readonly name: string;
  /** The schema version this code writes; starts at 1. */
  readonly version: number;
  /** `upcasters[k]` lifts version k to k + 1, for every k from 1 to version - 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
  /** Checked when writing, and when decoding if asked to. */
  readonly schema?: Validator<T>;
}

export interface Encoded {
  name: string;
  version: number;
  /** JSON text of the payload. */
  data: string;
  /** The payload as validated (what a reader of `data` gets back). */
  value: unknown;
}

export class UnregisteredTypeError extends Error {
  constructor(readonly typeName: string) {
    super(`nothing has been registered with the name \`${typeName}\``);
    this.name = 'UnregisteredTypeError';
  }
}

export class AlreadyRegisteredTypeError extends Error {
  constructor(readonly typeName: string) {
    super(`something with the name \`${typeName}\` has already been registered`);
    this.name = 'AlreadyRegisteredTypeError';
  }
}

export class UpcastError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpcastError';
  }
}

export interface TypeRegistry {
  register(...definitions: TypeDefinition[]): TypeRegistry;
  has(name: string): boolean;
  definition(name: string): TypeDefinition;
  /** Validates (when a schema is given) and encodes at the current version. */
  encode(name: string, data: unknown): Encoded;
  /** Lifts stored data (a parsed JSON value) from `version` to the current one. */
  decode<T = unknown>(name: string, version: number, data: unknown, options?: { validate?: boolean }): T;
}

export function createRegistry(...definitions: TypeDefinition[]): TypeRegistry {
  const types = new Map<string, TypeDefinition>();

  const definition = (name: string) => {
    const found = types.get(name);
    if (!found) throw new UnregisteredTypeError(name);
    return found;
  };

  const registry: TypeRegistry = {
    register(...defs) {
      for (const def of defs) {
        if (types.has(def.name)) throw new AlreadyRegisteredTypeError(def.name);
        if (!Number.isInteger(def.version) || def.version < 1) {
          throw new Error(`${def.name}: version must be a whole number from 1, got ${def.version}`);
        }
        for (let from = 1; from < def.version; from++) {
          if (!def.upcasters?.[from]) {
            throw new Error(
              `${def.name} is at version ${def.version} but has no upcaster from version ${from}`,
            );
          }
        }
        types.set(def.name, def);
      }
      return registry;
    },

    has: (name) => types.has(name),

    definition,

    encode(name, data) {
      const def = definition(name);
      const value = def.schema ? def.schema.parse(data) : data;
      return { name, version: def.version, data: JSON.stringify(value), value };
    },

    decode<T>(name: string, version: number, data: unknown, options: { validate?: boolean } = {}): T {
      const def = definition(name);
      if (!Number.isInteger(version) || version < 1) {
        throw new UpcastError(`${name}: stored version ${version} is not a valid schema version`);
      }
      if (version > def.version) {
        throw new UpcastError(
          `${name}: stored version ${version} is newer than this code knows (${def.version})`,
        );
      }
      let value = data;
      for (let from = version; from < def.version; from++) {
        value = def.upcasters![from]!(value);
      }
      return (options.validate && def.schema ? def.schema.parse(value) : value) as T;
    },
  };
  registry.register(...definitions);
  return registry;
}
