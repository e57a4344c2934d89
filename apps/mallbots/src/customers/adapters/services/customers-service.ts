import { DomainError } from '@tessera/platform/ddd';
import type { CustomersQueries } from '../../application/queries.js';
import type { CustomersService } from '../../contract/customers-service.js';

/** The in-process CustomersService: the query the REST route uses, answered as the contract's data. */
export function customersService(queries: CustomersQueries): CustomersService {
  return {
    async findCustomer(id) {
      try {
        const customer = await queries.getCustomer({ id });
        return {
          id: customer.id,
          name: customer.name,
          smsNumber: customer.smsNumber,
          enabled: customer.enabled,
        };
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'not_found') return undefined;
        throw error;
      }
    },
  };
}
