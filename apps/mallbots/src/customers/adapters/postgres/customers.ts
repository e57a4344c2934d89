import { conflict } from '@tessera/platform/ddd';
import { type Queryable, rowOfUuid, versionedRow } from '@tessera/platform/sql';
import type { CustomerRepository, CustomerView } from '../../application/ports.js';
import * as Customer from '../../domain/customer.js';

interface CustomerRow {
  id: string;
  name: string;
  sms_number: string;
  enabled: boolean;
  version: number;
}

const changedConcurrently = () =>
  conflict('concurrent_modification', 'the customer was changed concurrently; reload it and try again');

/** `customers.customers`: one row per customer, its `version` the optimistic-concurrency token. */
export function postgresCustomerRepository(db: Queryable): CustomerRepository {
  const row = (id: string) =>
    rowOfUuid<CustomerRow>(
      db,
      'SELECT id, name, sms_number, enabled, version FROM customers.customers WHERE id = $1',
      id,
    );

  return {
    async load(id) {
      return versionedRow(await row(id), Customer.aggregate.initialState, (found) => ({
        exists: true,
        name: found.name,
        smsNumber: found.sms_number,
        enabled: found.enabled,
      }));
    },

    async save(id, state, expectedVersion) {
      const values = [id, state.name, state.smsNumber, state.enabled];
      const { rowCount } =
        expectedVersion === 0
          ? await db.query(
              `INSERT INTO customers.customers (id, name, sms_number, enabled, version)
               VALUES ($1, $2, $3, $4, 1) ON CONFLICT (id) DO NOTHING`,
              values,
            )
          : await db.query(
              `UPDATE customers.customers
               SET name = $2, sms_number = $3, enabled = $4, version = version + 1, updated_at = now()
               WHERE id = $1 AND version = $5`,
              [...values, expectedVersion],
            );
      if (rowCount === 0) throw changedConcurrently();
    },

    async find(id) {
      const found = await row(id);
      if (!found) return undefined;
      const view: CustomerView = {
        id: found.id,
        name: found.name,
        smsNumber: found.sms_number,
        enabled: found.enabled,
      };
      return view;
    },
  };
}
