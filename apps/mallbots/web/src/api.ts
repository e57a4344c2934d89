import { createApi } from '@tessera/web';
import type { paths } from './api.gen.js';

/** MallBots' API, typed by its OpenAPI document (`npm run generate:web`). */
export const api = createApi<paths>();
export type { components, Notification, OrderTracking, paths } from './api.gen.js';
