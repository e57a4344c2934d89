import type { Services } from '@tessera/platform/runtime';
import { z } from 'zod';
import {
  CUSTOMERS_SERVICE,
  type CustomerSummary,
  type CustomersService,
  CustomersUnavailableError,
} from './customers-service.js';

const customerAnswer = z.object({
  customer: z.object({ id: z.string(), name: z.string(), smsNumber: z.string(), enabled: z.boolean() }),
});

export interface CustomersHttpOptions {
  /** The base URL of the Customers API (e.g. http://customers:8080), read at each call. */
  readonly baseUrl: () => string;
  /** Per request (default 5 s): a Customers that hangs must not hold the caller's handling forever. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * CustomersService over Customers' public REST API (the spec's GetCustomer fallback): GET /api/customers/{id}.
 * Fields it does not know are ignored, so Customers may add some freely. A 404 is "unknown"; anything else
 * that is not a proper answer throws CustomersUnavailableError.
 */
export function customersHttpClient(options: CustomersHttpOptions): CustomersService {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;

  return {
    async findCustomer(id): Promise<CustomerSummary | undefined> {
      let url: string;
      try {
        // Appended, not resolved: a base with a path prefix (behind a proxy) keeps it.
        url = new URL(
          `${options.baseUrl().replace(/\/+$/, '')}/api/customers/${encodeURIComponent(id)}`,
        ).toString();
      } catch (error) {
        throw new CustomersUnavailableError('the Customers API address is not known', { cause: error });
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new CustomersUnavailableError('Customers could not be reached to look up the customer', {
          cause: error,
        });
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new CustomersUnavailableError(
          `Customers answered ${response.status} when looking up the customer`,
        );
      }
      const parsed = customerAnswer.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        throw new CustomersUnavailableError(
          'Customers answered the customer look-up with an unexpected body',
        );
      }
      return parsed.data.customer;
    },
  };
}

/**
 * Where a module asks Customers: an address given (`customersUrl`) means Customers runs elsewhere; otherwise
 * this process's Customers is called directly when it runs here (its queries join the caller's transaction:
 * with PGlite's one connection, a handling that holds a transaction could not wait for a second HTTP request),
 * and the process's own HTTP API when it does not. Decided at each call: modules start in any order.
 */
export function customersServiceFor(context: {
  readonly services: Services;
  readonly customersUrl: string | undefined;
  readonly selfUrl: () => string;
}): CustomersService {
  const { customersUrl } = context;
  const overHttp = customersHttpClient({ baseUrl: () => customersUrl ?? context.selfUrl() });
  const current = () =>
    (customersUrl ? undefined : context.services.find<CustomersService>(CUSTOMERS_SERVICE)) ?? overHttp;
  return {
    findCustomer: (id) => current().findCustomer(id),
  };
}
