import { createDomainEventBus, type DomainEvent, type DomainEventBus } from '@tessera/platform/ddd';
import {
  startTestHost,
  type TestBrokerKind,
  type TestDatabase,
  type TestHost,
} from '@tessera/platform/testing';
import { expect } from 'vitest';
import { createCustomersModule } from '../../../src/customers/module.js';

export type { Method } from '@tessera/platform/testing';
export { expectProblem, TEST_BODY_LIMIT as BODY_LIMIT, unknownId } from '@tessera/platform/testing';

export interface CustomersHost extends TestHost {
  /** The bus the module dispatches its domain events on. */
  readonly bus: DomainEventBus;
  /** Every domain event dispatched so far, in order. */
  readonly dispatched: DomainEvent[];
  register(name?: string, smsNumber?: string): Promise<string>;
}

/** One in-process host with the Customers module on a fresh database of the given backend. */
export async function startCustomersHost(
  backend: TestDatabase,
  broker: TestBrokerKind = 'embedded',
): Promise<CustomersHost> {
  const bus = createDomainEventBus();
  const dispatched: DomainEvent[] = [];
  bus.subscribe('*', (event) => {
    dispatched.push(event);
  });
  const api = await startTestHost(backend, [createCustomersModule({ bus })], { broker });
  return {
    ...api,
    bus,
    dispatched,
    async register(name = 'Ada Lovelace', smsNumber = '+15551234567') {
      const response = await api.call('POST', '/api/customers', { name, smsNumber });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    },
  };
}
