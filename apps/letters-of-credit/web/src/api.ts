import { createApi } from '@tessera/web';
import type { paths } from './api.gen.js';

/** Letters of credit's API, typed by its OpenAPI document (`npm run generate:web`). */
export const api = createApi<paths>();
export type { components, paths } from './api.gen.js';
