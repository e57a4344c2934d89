import { describeBadRequests, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { type CustomersHost, startCustomersHost } from '../support/host.js';

const customerNotFound = { code: 'customer_not_found', detail: 'customer with that ID does not exist' };

describe.each(testDatabases)('Customers API: bad requests never get a 5xx, on $backend', (backend) => {
  let api: CustomersHost;
  beforeAll(async () => {
    api = await startCustomersHost(backend);
  });
  afterAll(() => api.close());

  describeBadRequests(
    () => api,
    [
      { method: 'POST', path: '/api/customers', body: { name: 'Ada', smsNumber: '+15551234567' } },
      { method: 'GET', path: '/api/customers/:id', notFound: customerNotFound },
      { method: 'PUT', path: '/api/customers/:id/enable', notFound: customerNotFound },
      { method: 'PUT', path: '/api/customers/:id/disable', notFound: customerNotFound },
      {
        method: 'PUT',
        path: '/api/customers/:id/change-sms',
        body: { smsNumber: '+15557654321' },
        notFound: customerNotFound,
      },
    ],
  );
});
