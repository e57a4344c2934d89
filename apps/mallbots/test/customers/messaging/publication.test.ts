import type { Envelope } from '@tessera/platform/messaging';
import { testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CustomersHost, startCustomersHost } from '../support/host.js';

describe.each(testDatabases)(
  'Customers publishes its integration events through the broker, on $backend',
  (backend) => {
    let api: CustomersHost;
    beforeAll(async () => {
      api = await startCustomersHost(backend);
    });
    afterAll(() => api.close());

    it('publishes one message per change, in order, keyed by the customer, and nothing for a refused command', async () => {
      const messages: Envelope[] = [];
      let done!: () => void;
      const fourth = new Promise<void>((resolve) => {
        done = resolve;
      });
      const subscribed = await api.host.broker.subscribe({
        group: 'customers-publication-test',
        subjects: ['mallbots.customers.events.Customer'],
        handle: async (message) => {
          messages.push(message);
          if (messages.length === 4) done();
        },
      });
      const id = await api.register('Ada Lovelace', '+1 555 123 4567');
      await api.call('PUT', `/api/customers/${id}/disable`);
      // Refused (already disabled): no change, no message.
      await api.call('PUT', `/api/customers/${id}/disable`);
      await api.call('PUT', `/api/customers/${id}/change-sms`, { smsNumber: '+1 555 765 4321' });
      await api.call('PUT', `/api/customers/${id}/enable`);
      await fourth;
      await subscribed.stop();

      expect(messages.map((m) => m.type)).toEqual([
        'customersapi.CustomerRegistered',
        'customersapi.CustomerDisabled',
        'customersapi.CustomerSmsChanged',
        'customersapi.CustomerEnabled',
      ]);
      expect(messages.every((m) => m.key === id && m.source === 'customers')).toBe(true);
      expect(messages[0]!.data).toEqual({ id, name: 'Ada Lovelace', smsNumber: '+15551234567' });
      expect(messages[2]!.data).toEqual({ id, smsNumber: '+15557654321' });
      const { rows } = await api.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM broker.messages WHERE key = $1',
        [id],
      );
      expect(rows[0]!.n).toBe(4);
    });
  },
);
