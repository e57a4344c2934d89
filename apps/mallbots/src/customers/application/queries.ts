import { customerNotFound } from '../domain/customer.js';
import type { CustomerRepository, CustomerView } from './ports.js';

export interface CustomersQueries {
  getCustomer(input: { id: string }): Promise<CustomerView>;
}

export function createCustomersQueries({ customers }: { customers: CustomerRepository }): CustomersQueries {
  return {
    async getCustomer({ id }) {
      const customer = await customers.find(id);
      if (!customer) throw customerNotFound();
      return customer;
    },
  };
}
