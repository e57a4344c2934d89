import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { bearerToken, ERROR_FIELD_HEADER } from '@tessera/platform/rpc';
import {
  describeBadRequests,
  expectDocumentedRoutes,
  expectProblem,
  testDatabases,
} from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserService } from '../../src/subscriptions/contract/gen/user/v1/user_pb.js';
import { subscriptionsModule } from '../../src/subscriptions/module.js';
import {
  HOST_START_MS,
  MARKETER,
  SERVICE,
  type SubscriptionsHost,
  startSubscriptionsHost,
} from './support.js';

const leads = '/api/subscriptions/leads';
const active = (userID: string) => `/api/subscriptions/user/${userID}/payment/active`;
const email = () => `lead-${randomUUID().slice(0, 8)}@example.com`;

describe.each(testDatabases)('Subscriptions’ REST API and its open host, on $backend', (backend) => {
  let api: SubscriptionsHost;
  beforeAll(async () => {
    api = await startSubscriptionsHost(backend);
  }, HOST_START_MS);
  afterAll(() => api?.close());

  it('a lead signs up, selects a subscription and is a customer; the open host then answers IsActive true', async () => {
    const ada = await api.signUp('ada@example.com');
    const own = await ada.call('GET', `${leads}/${ada.leadID}`);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toEqual({
      lead: {
        leadID: ada.leadID,
        email: 'ada@example.com',
        username: expect.any(String),
        stage: 'lead',
        createdAt: expect.any(String),
      },
    });

    const converted = await ada.call('POST', `${leads}/${ada.leadID}/conversion`, {
      subscriptionType: 'premium',
    });
    expect(converted.statusCode, converted.body).toBe(200);
    const { customer } = converted.json<{ customer: { leadID: string; userID: string } }>();
    expect(customer).toEqual({ leadID: ada.leadID, userID: expect.any(String), subscriptionType: 'premium' });
    // The same selection again: the same customer.
    const again = await ada.call('POST', `${leads}/${ada.leadID}/conversion`, {
      subscriptionType: 'premium',
    });
    expect(again.json()).toEqual(converted.json());

    for (const asker of [api.as(SERVICE), api.as(MARKETER), api]) {
      const answer = await asker.call('GET', active(customer.userID));
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.body).toBe('{"IsActive":true}');
    }
    expect((await ada.call('GET', `${leads}/${ada.leadID}`)).json()).toMatchObject({
      lead: { stage: 'customer', customer: { userID: customer.userID, subscriptionType: 'premium' } },
    });

    // The customer churns themselves: no longer active; churning again changes nothing.
    expect((await ada.call('POST', `${leads}/${ada.leadID}/churn`)).statusCode).toBe(204);
    expect((await ada.call('POST', `${leads}/${ada.leadID}/churn`)).statusCode).toBe(204);
    expect((await api.as(SERVICE).call('GET', active(customer.userID))).body).toBe('{"IsActive":false}');
    expectProblem(
      await ada.call('POST', `${leads}/${ada.leadID}/conversion`, { subscriptionType: 'premium' }),
      409,
      {
        code: 'customer_churned',
      },
    );
  });

  it('answers IsActive false for anyone but an active customer: a lead, a lost lead, an unknown or odd ID', async () => {
    const bob = await api.signUp();
    const lost = await api.signUp();
    expect((await api.as(MARKETER).call('POST', `${leads}/${lost.leadID}/loss`)).statusCode).toBe(204);
    for (const userID of [bob.leadID, lost.leadID, randomUUID(), 'not-a-user-id', '42']) {
      const answer = await api.as(SERVICE).call('GET', active(userID));
      expect([answer.statusCode, answer.body], userID).toEqual([200, '{"IsActive":false}']);
    }
    // No user ID (or only blanks): the route function's 400, through the server as well.
    for (const empty of ['', '%20']) {
      expectProblem(await api.as(SERVICE).call('GET', active(empty)), 400, {
        code: 'user_id_required',
        field: 'params.userID',
      });
    }
  });

  it('admits other services and marketers to the open host and its users, not anyone, not the customer', async () => {
    const carol = await api.signUp();
    for (const path of [active(randomUUID()), '/api/subscriptions/users']) {
      expectProblem(await api.as('anonymous').call('GET', path), 401);
      expectProblem(await carol.call('GET', path), 403);
      expectProblem(await api.as({ subject: 'barista-1', roles: ['barista'] }).call('GET', path), 403);
    }
  });

  it('keeps the lead’s record to the lead and the marketers', async () => {
    const dan = await api.signUp();
    const erin = await api.signUp();
    for (const [method, path, body] of [
      ['GET', `${leads}/${dan.leadID}`, undefined],
      ['POST', `${leads}/${dan.leadID}/conversion`, { subscriptionType: 'basic' }],
      ['POST', `${leads}/${dan.leadID}/churn`, undefined],
      ['POST', `${leads}/${dan.leadID}/loss`, undefined],
    ] as const) {
      expectProblem(await erin.call(method, path, body), 403);
      expectProblem(await api.as('anonymous').call(method, path, body), 401);
    }
    expect((await api.as(MARKETER).call('GET', `${leads}/${dan.leadID}`)).statusCode).toBe(200);
    // A lead does not lose themselves: marketers do.
    expectProblem(await dan.call('POST', `${leads}/${dan.leadID}/loss`), 403);
  });

  it('refuses an unknown subscription, a second lead for an email, and a sign-up without a login', async () => {
    const frank = await api.signUp('Frank@Example.com');
    expectProblem(
      await frank.call('POST', `${leads}/${frank.leadID}/conversion`, { subscriptionType: 'gold' }),
      400,
      {
        code: 'unknown_subscription_type',
        field: 'body.subscriptionType',
      },
    );
    expect((await frank.call('GET', `${leads}/${frank.leadID}`)).json()).toMatchObject({
      lead: { stage: 'lead' },
    });

    const login = { username: `x-${randomUUID().slice(0, 8)}`, password: 'a long enough password' };
    expectProblem(
      await api.as('anonymous').call('POST', leads, { email: ' frank@example.COM', ...login }),
      400,
      { field: 'body.email' },
    );
    expectProblem(
      await api.as('anonymous').call('POST', leads, { email: 'frank@example.com', ...login }),
      409,
      {
        code: 'lead_already_exists',
        field: 'body.email',
      },
    );
    expectProblem(await api.as('anonymous').call('POST', leads, { email: email() }), 400, {
      code: 'login_required',
      field: 'body.username',
    });
    // A marketer records a lead met elsewhere, who has no login (yet).
    const recorded = await api.as(MARKETER).call('POST', leads, { email: email() });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.headers.location).toBe(`${leads}/${recorded.json<{ id: string }>().id}`);
    // A lead is lost, not churned; a customer churns, is not lost.
    expectProblem(await api.as(MARKETER).call('POST', `${leads}/${frank.leadID}/churn`), 409, {
      code: 'not_a_customer',
    });
  });

  it('lists the users of the published language (getUsers): customers by user ID, a page at a time', async () => {
    const customers = await Promise.all([api.signUp(), api.signUp(), api.signUp()]);
    const userIDs: string[] = [];
    for (const [index, customer] of customers.entries()) {
      const converted = await customer.call('POST', `${leads}/${customer.leadID}/conversion`, {
        subscriptionType: ['basic', 'premium', 'exclusive'][index],
      });
      userIDs.push(converted.json<{ customer: { userID: string } }>().customer.userID);
    }
    await customers[0]!.call('POST', `${leads}/${customers[0]!.leadID}/churn`);
    const seen: Array<{ id: string; subscriptionStatus: boolean; subscriptionType: string }> = [];
    let next: string | undefined;
    do {
      const query = `limit=2${next ? `&after=${next}` : ''}`;
      const page = await api.as(SERVICE).call('GET', `/api/subscriptions/users?${query}`);
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json<{ users: typeof seen; next?: string }>();
      expect(body.users.length).toBeLessThanOrEqual(2);
      seen.push(...body.users);
      next = body.next;
    } while (next);
    expect(seen.map((user) => user.id)).toEqual([...seen.map((user) => user.id)].sort());
    const mine = seen.filter((user) => userIDs.includes(user.id));
    expect(
      mine
        .map(({ id, subscriptionStatus, subscriptionType }) => [id, subscriptionStatus, subscriptionType])
        .sort(),
    ).toEqual(
      [
        [userIDs[0], false, 'basic'],
        [userIDs[1], true, 'premium'],
        [userIDs[2], true, 'exclusive'],
      ].sort(),
    );
    expect(seen.find((user) => user.id === userIDs[1])).toEqual({
      id: userIDs[1],
      username: expect.any(String),
      subscriptionStatus: true,
      subscriptionType: 'premium',
      email: expect.stringMatching(/@example\.com$/),
    });
    expectProblem(await api.as(SERVICE).call('GET', '/api/subscriptions/users?after=bogus'), 400, {
      field: 'querystring.after',
    });
  });

  it('serves CreateUser (user.v1.UserService) to other services over Connect: it creates a lead', async () => {
    const clientAs = (token?: () => Promise<string>) =>
      createClient(
        UserService,
        createConnectTransport({
          baseUrl: api.host.rpcUrl!,
          httpVersion: '2',
          ...(token ? { interceptors: [bearerToken(token)] } : {}),
        }),
      );
    const service = clientAs(() => api.tokenFor(SERVICE));
    const address = email();
    const user = { id: 0n, username: 'grace', email: address };
    expect(await service.createUser({ user })).toMatchObject({ success: true });
    const failure = async (call: Promise<unknown>) =>
      call.then(
        () => {
          throw new Error('the call succeeded');
        },
        (error: unknown) => ConnectError.from(error),
      );
    const again = await failure(service.createUser({ user }));
    expect([again.code, again.metadata.get(ERROR_FIELD_HEADER)]).toEqual([Code.AlreadyExists, 'user.email']);
    const bad = await failure(service.createUser({ user: { ...user, email: 'not an email' } }));
    expect([bad.code, bad.metadata.get(ERROR_FIELD_HEADER)]).toEqual([Code.InvalidArgument, 'user.email']);
    const withId = await failure(service.createUser({ user: { ...user, id: 7n, email: email() } }));
    expect([withId.code, withId.metadata.get(ERROR_FIELD_HEADER)]).toEqual([Code.InvalidArgument, 'user.id']);
    expect((await failure(service.createUser({}))).code).toBe(Code.InvalidArgument);
    expect((await failure(clientAs().createUser({ user: { ...user, email: email() } }))).code).toBe(
      Code.Unauthenticated,
    );
    const marketer = clientAs(() => api.tokenFor(MARKETER));
    expect((await failure(marketer.createUser({ user: { ...user, email: email() } }))).code).toBe(
      Code.PermissionDenied,
    );

    // The lead is there: its email is taken for anyone else.
    const recorded = await api.as(MARKETER).call('POST', leads, { email: address });
    expectProblem(recorded, 409, { code: 'lead_already_exists' });
  });

  it('documents every route, each with its audience and problems', async () => {
    await expectDocumentedRoutes(api, subscriptionsModule, '/api/subscriptions', [
      '/api/subscriptions/leads',
      '/api/subscriptions/leads/{leadID}',
      '/api/subscriptions/leads/{leadID}/conversion',
      '/api/subscriptions/leads/{leadID}/churn',
      '/api/subscriptions/leads/{leadID}/loss',
      '/api/subscriptions/users',
      '/api/subscriptions/user/{userID}/payment/active',
      '/api/subscriptions/campaigns',
    ]);
  });

  describeBadRequests(
    () => api,
    [
      { method: 'POST', path: leads, body: { email: 'someone@example.com' } },
      { method: 'GET', path: `${leads}/:leadID`, notFound: { code: 'lead_not_found' } },
      {
        method: 'POST',
        path: `${leads}/:leadID/conversion`,
        body: { subscriptionType: 'basic' },
        notFound: { code: 'lead_not_found' },
      },
      { method: 'POST', path: `${leads}/:leadID/churn`, notFound: { code: 'lead_not_found' } },
      { method: 'POST', path: `${leads}/:leadID/loss`, notFound: { code: 'lead_not_found' } },
    ],
  );
});
