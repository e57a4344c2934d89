import { problemResponse, type Unavailable } from '@tessera/platform/http';
import { CustomersUnavailableError } from './customers-service.js';

/**
 * How a module's REST routes answer when Customers cannot be asked now (`whenUnavailable`): a 503 with this
 * code, which a client may retry.
 */
export const CUSTOMERS_UNAVAILABLE: Unavailable = [CustomersUnavailableError, 'customers_unavailable'];

/** That answer in the routes' OpenAPI document. */
export const customersUnavailableResponse = problemResponse(
  'Customers could not be asked whether the customer is registered; retry later',
);
