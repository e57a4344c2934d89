import { connectClient, lookUpOverRpc, type ModuleClientOptions } from '@tessera/platform/rpc';
import { locateService, type ServiceLookup } from '@tessera/platform/runtime';
import {
  CUSTOMERS_SERVICE,
  type CustomerSummary,
  type CustomersService,
  CustomersUnavailableError,
} from './customers-service.js';
import { CustomersService as CustomersRpc } from './gen/mallbots/customers/v1/customers_pb.js';

/** The module name Customers goes by in RPC_SERVICES. */
export const CUSTOMERS_RPC_NAME = 'customers';

/**
 * CustomersService over Connect RPC (CustomersService.GetCustomer), with a timeout, retried on transient
 * failures and behind a circuit breaker. NOT_FOUND is "unknown"; any other failure, or an answer without its
 * customer, throws CustomersUnavailableError.
 */
export function customersRpcClient(options: ModuleClientOptions): CustomersService {
  const { baseUrl, ...resilience } = options;
  const client = connectClient(CustomersRpc, baseUrl, { ...resilience, target: CUSTOMERS_RPC_NAME });
  return {
    async findCustomer(id): Promise<CustomerSummary | undefined> {
      const answer = await lookUpOverRpc(
        () => client.getCustomer({ id }),
        (reason, cause) =>
          new CustomersUnavailableError(`Customers could not answer the customer look-up (${reason})`, {
            cause,
          }),
      );
      if (!answer) return undefined;
      if (!answer.customer) {
        throw new CustomersUnavailableError('Customers answered the customer look-up without the customer');
      }
      const { name, smsNumber, enabled } = answer.customer;
      return { id: answer.customer.id, name, smsNumber, enabled };
    },
  };
}

/**
 * Where a module asks Customers, decided at each call (modules start in any order): this process's Customers
 * when it runs here (its query joins the caller's transaction), else the Customers that RPC_SERVICES names,
 * over RPC. Neither is a CustomersUnavailableError: the message being handled is retried.
 */
export function customersServiceFor(context: ServiceLookup): CustomersService {
  const current = locateService<CustomersService>(context, {
    service: CUSTOMERS_SERVICE,
    rpcName: CUSTOMERS_RPC_NAME,
    overRpc: customersRpcClient,
    missing: () =>
      new CustomersUnavailableError(
        'Customers is not in this process and RPC_SERVICES names no address for it',
      ),
  });
  return { findCustomer: async (id) => current().findCustomer(id) };
}
