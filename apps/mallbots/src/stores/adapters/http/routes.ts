import type { HttpServer } from '@tessera/platform/http';
import type { StoresCommands } from '../../application/commands.js';
import type { StoresQueries } from '../../application/queries.js';
import { registerProductRoutes } from './product-routes.js';
import { registerStoreRoutes } from './store-routes.js';

/**
 * Every REST route of Store Management under /api/stores. The router ranks static segments above
 * parameters, so /api/stores/participating and /api/stores/products/:id are never taken for /api/stores/:id,
 * whatever the registration order (the tests pin this down).
 */
export function registerStoresRoutes(
  http: HttpServer,
  { commands, queries }: { commands: StoresCommands; queries: StoresQueries },
) {
  registerStoreRoutes(http, commands, queries);
  registerProductRoutes(http, commands, queries);
}
