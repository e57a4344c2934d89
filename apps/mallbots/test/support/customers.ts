import { CustomersUnavailableError } from '../../src/customers/contract/customers-service.js';

/** A customer id whose look-up fails as if Customers were down. */
export const UNREACHABLE_CUSTOMER = '5e1d2c3b-4a59-4687-9a1b-0c2d3e4f5a6b';

/**
 * Customers as a module whose test host runs without it asks it (`customers` of Baskets and Payments): the
 * ids given are registered, none other is, and UNREACHABLE_CUSTOMER cannot be asked about.
 */
export function registeredCustomers(...ids: string[]) {
  const known = new Set(ids);
  return {
    async findCustomer(id: string) {
      if (id === UNREACHABLE_CUSTOMER) throw new CustomersUnavailableError('Customers did not answer (test)');
      return known.has(id) ? { id } : undefined;
    },
  };
}
