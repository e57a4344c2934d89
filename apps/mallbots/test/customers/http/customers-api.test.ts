import { metricsRegistry } from '@tessera/platform/observability';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CustomersHost, expectProblem, startCustomersHost, unknownId } from '../support/host.js';

interface CustomerDto {
  id: string;
  name: string;
  smsNumber: string;
  enabled: boolean;
}

const registeredCount = async () => {
  const text = await metricsRegistry.getSingleMetricAsString('customers_registered_total');
  return Number(/^customers_registered_total (\d+)$/m.exec(text)?.[1]);
};

describe.each(testDatabases)('Customers API, on $backend', (backend) => {
  let api: CustomersHost;
  beforeAll(async () => {
    api = await startCustomersHost(backend);
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.dispatched.length = 0;
  });

  const getCustomer = async (id: string) => {
    const response = await api.call('GET', `/api/customers/${id}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ customer: CustomerDto }>().customer;
  };
  const rowOf = async (id: string) =>
    (
      await api.db.query<{ name: string; sms_number: string; enabled: boolean; version: number }>(
        'SELECT name, sms_number, enabled, version FROM customers.customers WHERE id = $1',
        [id],
      )
    ).rows[0];

  describe('C1 RegisterCustomer', () => {
    it('answers 201 with the id and its Location; the customer is enabled; CustomerRegistered is dispatched', async () => {
      const response = await api.call('POST', '/api/customers', {
        name: '  Ada Lovelace ',
        smsNumber: '+1 555-123-4567',
      });
      expect(response.statusCode, response.body).toBe(201);
      const { id } = response.json<{ id: string }>();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(response.headers.location).toBe(`/api/customers/${id}`);

      expect(await getCustomer(id)).toEqual({
        id,
        name: 'Ada Lovelace',
        smsNumber: '+15551234567',
        enabled: true,
      });
      expect(await rowOf(id)).toEqual({
        name: 'Ada Lovelace',
        sms_number: '+15551234567',
        enabled: true,
        version: 1,
      });
      expect(api.dispatched).toEqual([
        {
          type: 'customers.CustomerRegistered',
          data: { name: 'Ada Lovelace', smsNumber: '+15551234567' },
          customerId: id,
        },
      ]);
    });

    it('counts each registration once in customers_registered_total, and refused ones not at all', async () => {
      const before = await registeredCount();
      await api.register('One');
      await api.register('Two');
      expectProblem(await api.call('POST', '/api/customers', { name: ' ', smsNumber: '5551234' }), 400);
      expect(await registeredCount()).toBe(before + 2);
      const metrics = await api.call('GET', '/metrics');
      expect(metrics.body).toMatch(/^customers_registered_total \d+$/m);
    });

    it('refuses a blank name with 400 "the customer name cannot be blank"', async () => {
      expectProblem(await api.call('POST', '/api/customers', { name: '   ', smsNumber: '5551234' }), 400, {
        code: 'customer_name_blank',
        detail: 'the customer name cannot be blank',
        field: 'body.name',
      });
    });

    it('refuses a blank SMS number with 400 "the SMS number cannot be blank"', async () => {
      expectProblem(await api.call('POST', '/api/customers', { name: 'Ada', smsNumber: ' ' }), 400, {
        code: 'customer_sms_number_blank',
        detail: 'the SMS number cannot be blank',
        field: 'body.smsNumber',
      });
    });

    it('refuses an SMS number that is not E.164-like with 400, naming the field', async () => {
      expectProblem(await api.call('POST', '/api/customers', { name: 'Ada', smsNumber: 'call me' }), 400, {
        code: 'customer_sms_number_invalid',
        detail: 'the SMS number is not valid',
        field: 'body.smsNumber',
      });
      expect(api.dispatched).toEqual([]);
    });
  });

  describe('C2 Enable and Disable', () => {
    it('toggles the customer, dispatching CustomerDisabled and CustomerEnabled, and refuses repeats with 409', async () => {
      const id = await api.register();
      api.dispatched.length = 0;

      expect((await api.call('PUT', `/api/customers/${id}/disable`)).statusCode).toBe(204);
      expect((await getCustomer(id)).enabled).toBe(false);
      expectProblem(await api.call('PUT', `/api/customers/${id}/disable`), 409, {
        code: 'customer_already_disabled',
        detail: 'the customer is already disabled',
      });

      expect((await api.call('PUT', `/api/customers/${id}/enable`)).statusCode).toBe(204);
      expect((await getCustomer(id)).enabled).toBe(true);
      expectProblem(await api.call('PUT', `/api/customers/${id}/enable`), 409, {
        code: 'customer_already_enabled',
        detail: 'the customer is already enabled',
      });

      expect(api.dispatched).toEqual([
        { type: 'customers.CustomerDisabled', data: {}, customerId: id },
        { type: 'customers.CustomerEnabled', data: {}, customerId: id },
      ]);
      expect((await rowOf(id))?.version).toBe(3);
    });

    it('refuses to enable a new customer: they are enabled on registration', async () => {
      const id = await api.register();
      expectProblem(await api.call('PUT', `/api/customers/${id}/enable`), 409, {
        detail: 'the customer is already enabled',
      });
    });
  });

  describe('C3 GetCustomer', () => {
    it('returns {id, name, smsNumber, enabled}, whatever the case of the id', async () => {
      const id = await api.register('Grace Hopper', '020 7946 0958');
      const response = await api.call('GET', `/api/customers/${id.toUpperCase()}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        customer: { id, name: 'Grace Hopper', smsNumber: '02079460958', enabled: true },
      });
    });

    it('answers 404 for an unknown customer', async () => {
      expectProblem(await api.call('GET', `/api/customers/${unknownId()}`), 404, {
        code: 'customer_not_found',
        detail: 'customer with that ID does not exist',
      });
    });
  });

  describe('C5 ChangeSmsNumber', () => {
    it('changes the number and dispatches CustomerSmsChanged', async () => {
      const id = await api.register();
      api.dispatched.length = 0;
      const response = await api.call('PUT', `/api/customers/${id}/change-sms`, {
        smsNumber: '+44 20 7946 0958',
      });
      expect(response.statusCode, response.body).toBe(204);
      expect((await getCustomer(id)).smsNumber).toBe('+442079460958');
      expect(api.dispatched).toEqual([
        { type: 'customers.CustomerSmsChanged', data: { smsNumber: '+442079460958' }, customerId: id },
      ]);
    });

    it('changes nothing and dispatches nothing for the current number (204: retries are harmless)', async () => {
      const id = await api.register('Ada', '+15551234567');
      api.dispatched.length = 0;
      const response = await api.call('PUT', `/api/customers/${id}/change-sms`, {
        smsNumber: '+1 555 123 4567',
      });
      expect(response.statusCode).toBe(204);
      expect(api.dispatched).toEqual([]);
      expect((await rowOf(id))?.version).toBe(1);
    });

    it('refuses a blank or invalid number with 400, naming body.smsNumber', async () => {
      const id = await api.register();
      expectProblem(await api.call('PUT', `/api/customers/${id}/change-sms`, { smsNumber: '' }), 400, {
        detail: 'the SMS number cannot be blank',
        field: 'body.smsNumber',
      });
      expectProblem(await api.call('PUT', `/api/customers/${id}/change-sms`, { smsNumber: '12' }), 400, {
        detail: 'the SMS number is not valid',
        field: 'body.smsNumber',
      });
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of several concurrent disables win; the others get 409 (already disabled, or a concurrent change), never a 5xx', async () => {
      const id = await api.register();
      api.dispatched.length = 0;
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => api.call('PUT', `/api/customers/${id}/disable`)),
      );
      const statuses = answers.map((answer) => answer.statusCode);
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      expect(
        statuses.every((status) => [204, 409].includes(status)),
        String(statuses),
      ).toBe(true);
      for (const answer of answers.filter((a) => a.statusCode === 409)) {
        expect(['concurrent_modification', 'customer_already_disabled']).toContain(
          expectProblem(answer, 409).code,
        );
      }
      expect(await rowOf(id)).toMatchObject({ enabled: false, version: 2 });
      expect(api.dispatched).toEqual([{ type: 'customers.CustomerDisabled', data: {}, customerId: id }]);
    });

    it('never answers 5xx to interleaved enables and disables, and the row matches the events dispatched', async () => {
      const id = await api.register();
      api.dispatched.length = 0;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api.call('PUT', `/api/customers/${id}/${i % 2 ? 'enable' : 'disable'}`),
        ),
      );
      const statuses = answers.map((answer) => answer.statusCode);
      expect(
        statuses.every((status) => [204, 409].includes(status)),
        String(statuses),
      ).toBe(true);
      const wins = statuses.filter((status) => status === 204).length;
      expect(api.dispatched).toHaveLength(wins);
      const row = await rowOf(id);
      expect(row?.version).toBe(1 + wins);
      expect(row?.enabled).toBe(api.dispatched.at(-1)?.type !== 'customers.CustomerDisabled');
    });
  });

  describe('after commit', () => {
    it('dispatches a domain event only once its change has committed and can be read by anyone', async () => {
      const seen: Array<{ inTransaction: boolean; enabled: boolean | undefined }> = [];
      const unsubscribe = api.bus.subscribe(['customers.CustomerDisabled'], async (event) => {
        const id = (event as unknown as { customerId: string }).customerId;
        seen.push({ inTransaction: api.db.inTransaction(), enabled: (await rowOf(id))?.enabled });
      });
      try {
        const id = await api.register();
        expect((await api.call('PUT', `/api/customers/${id}/disable`)).statusCode).toBe(204);
      } finally {
        unsubscribe();
      }
      expect(seen).toEqual([{ inTransaction: false, enabled: false }]);
    });

    it('dispatches nothing and counts nothing when the transaction rolls back (a 500 problem)', async () => {
      const id = await api.register('Before');
      api.dispatched.length = 0;
      const before = await registeredCount();
      await api.db.exec(`
        CREATE FUNCTION customers.test_refuse() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF NEW.sms_number = '5550000' THEN RAISE EXCEPTION 'the table refuses this row'; END IF;
          RETURN NEW;
        END $fn$;
        CREATE TRIGGER test_refuse BEFORE INSERT OR UPDATE ON customers.customers
          FOR EACH ROW EXECUTE FUNCTION customers.test_refuse();`);
      try {
        expectProblem(
          await api.call('PUT', `/api/customers/${id}/change-sms`, { smsNumber: '5550000' }),
          500,
        );
        expectProblem(
          await api.call('POST', '/api/customers', { name: 'Refused', smsNumber: '5550000' }),
          500,
        );
      } finally {
        await api.db.exec(
          'DROP TRIGGER test_refuse ON customers.customers; DROP FUNCTION customers.test_refuse();',
        );
      }
      expect(api.dispatched).toEqual([]);
      expect(await registeredCount()).toBe(before);
      expect(await rowOf(id)).toMatchObject({ sms_number: '+15551234567', version: 1 });
      const { rows } = await api.db.query("SELECT id FROM customers.customers WHERE name = 'Refused'");
      expect(rows).toEqual([]);
    });
  });
});
