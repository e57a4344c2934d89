/**
 * Customers' synchronous public API for other contexts (the spec's CustomersService.GetCustomer), as data. In
 * one process the Customers module provides it under `CUSTOMERS_SERVICE`; from another process the same
 * question goes to the REST API (`GET /api/customers/{id}`).
 */
export const CUSTOMERS_SERVICE = 'mallbots.customers.CustomersService';

export interface CustomerSummary {
  readonly id: string;
  readonly name: string;
  readonly smsNumber: string;
  readonly enabled: boolean;
}

export interface CustomersService {
  /** Undefined when Customers does not know the id. Throws CustomersUnavailableError when it cannot answer. */
  findCustomer(id: string): Promise<CustomerSummary | undefined>;
}

/**
 * Customers could not be asked (unreachable, timed out, or an answer that is not one). Not a DomainError: the
 * message being handled is retried by the broker, never refused, so an outage loses nothing.
 */
export class CustomersUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CustomersUnavailableError';
  }
}
