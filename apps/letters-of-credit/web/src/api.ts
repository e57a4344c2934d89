import { createApi } from '@tessera/web';
import type { paths } from './api.gen.js';

/**
 * The generated types are immutable (readonly arrays); openapi-fetch's Readable/Writable recurse into arrays
 * only when they are mutable, and map a readonly one's methods into an object instead. The client is typed
 * by the same description with its arrays made mutable, so answers are arrays and bodies take arrays.
 */
type Mutable<T> =
  T extends ReadonlyArray<infer E>
    ? Mutable<E>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;

/** Letters of credit's API, typed by its OpenAPI document (`npm run generate:web`). */
export const api = createApi<Mutable<paths>>();
export type { components, paths } from './api.gen.js';
