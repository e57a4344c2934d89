export type { Encoded, TypeDefinition, TypeRegistry, Upcaster, Validator } from './registry.js';
export {
  AlreadyRegisteredTypeError,
  createRegistry,
  UnregisteredTypeError,
  UpcastError,
} from './registry.js';
