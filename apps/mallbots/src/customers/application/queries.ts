import { found } from '@tessera/platform/ddd';
import { customerNotFound } from '../domain/customer.js';
import type { CustomerRepository, CustomerView } from './ports.js';

export interface CustomersQueries {
  getCustomer(input: { id: string }): Promise<CustomerView>;
}

export function createCustomersQueries({ customers }: { customers: CustomerRepository }): CustomersQueries {
  return {
    getCustomer: async ({ id }) => found(await customers.find(id), customerNotFound),
  };
}
