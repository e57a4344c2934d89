import { randomUUID } from 'node:crypto';
import type { NewAccount } from '@tessera/platform/identity';
import { migrate, type SqlClient, sqlMigrationSet } from '@tessera/platform/sql';
import { type OpenedTestDatabase, testDatabases } from '@tessera/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresLeads } from '../../src/subscriptions/adapters/postgres/leads.js';
import { background } from '../../src/subscriptions/application/ctx.js';
import {
  createSubscriptionsCommands,
  type LeadConvertor,
  type LeadCreator,
  type SubscriptionsCommands,
} from '../../src/subscriptions/application/leads.js';
import { createUserHandler, type UserHandler } from '../../src/subscriptions/application/user-handler.js';
import { Customer, Lead, SubscriptionType } from '../../src/subscriptions/domain/language.js';

const email = () => `lead-${randomUUID().slice(0, 8)}@example.com`;

/** Rejects with the domain error's code (or the error, when it is none). */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return error as { code?: string; kind?: string; field?: string };
  }
  throw new Error('the call succeeded');
}

// The book's chapter 2, as it reads, on the real repository: a LeadCreator creates a lead, the lead's
// LeadConvertor converts it into a Customer by selecting a subscription, and the open host's UserHandler then
// says the customer's subscription is active.
describe.each(testDatabases)('the subscription business in the book’s words, on $backend', (backend) => {
  let opened: OpenedTestDatabase;
  let db: SqlClient;
  let subscriptions: SubscriptionsCommands;
  let handler: UserHandler;
  const accounts: NewAccount[] = [];

  beforeAll(async () => {
    opened = await backend.open();
    db = opened.db;
    await migrate(db, [
      sqlMigrationSet(
        'coffeeco_subscriptions',
        new URL('../../src/subscriptions/migrations/', import.meta.url),
      ),
    ]);
    const leads = postgresLeads(db);
    subscriptions = createSubscriptionsCommands({
      db,
      leads,
      accounts: { register: async (account) => void accounts.push(account) },
      newId: randomUUID,
      now: () => new Date(),
    });
    handler = createUserHandler({ leads });
  });
  afterAll(() => opened?.close());

  it('CreateLead, then Convert: a Lead becomes a Customer, and IsUserSubscriptionActive says so', async () => {
    const ctx = background();
    const creator: LeadCreator = subscriptions;
    const lead = await creator.CreateLead(ctx, { email: 'ada@example.com' });
    expect(lead).toBeInstanceOf(Lead);
    expect(lead.email).toBe('ada@example.com');

    const convertor: LeadConvertor = subscriptions.convertorOf(lead.id);
    const customer = await convertor.Convert(ctx, SubscriptionType.premium);
    expect(customer).toBeInstanceOf(Customer);
    expect(customer.LeadID()).toBe(lead.id);
    expect(customer.UserID()).toMatch(/^[0-9a-f-]{36}$/);
    expect(customer.UserID()).not.toBe(lead.id);
    expect(customer.subscriptionType).toBe('premium');

    expect(await handler.IsUserSubscriptionActive(ctx, customer.UserID())).toBe(true);
    expect(await handler.IsUserSubscriptionActive(ctx, lead.id)).toBe(false);
    expect(await handler.IsUserSubscriptionActive(ctx, randomUUID())).toBe(false);
    expect(await handler.IsUserSubscriptionActive(ctx, 'not-a-user-id')).toBe(false);

    // Converted again to the same subscription: the same customer (Convert is idempotent).
    const again = await convertor.Convert(ctx, SubscriptionType.premium);
    expect(again.UserID()).toBe(customer.UserID());
    expect(await refusal(convertor.Convert(ctx, SubscriptionType.basic))).toMatchObject({
      code: 'already_a_customer',
    });

    await subscriptions.churn(ctx, lead.id);
    expect(await handler.IsUserSubscriptionActive(ctx, customer.UserID())).toBe(false);
  });

  it('rejects Convert(unknownSubscriptionType), and converts nothing', async () => {
    const ctx = background();
    const lead = await subscriptions.CreateLead(ctx, { email: email() });
    expect(
      await refusal(
        subscriptions.convertorOf(lead.id).Convert(ctx, SubscriptionType.unknownSubscriptionType),
      ),
    ).toMatchObject({
      kind: 'invalid_argument',
      code: 'unknown_subscription_type',
      field: 'subscriptionType',
    });
    expect((await postgresLeads(db).load(lead.id)).state.stage).toBe('lead');
  });

  it('keeps one lead per email, whatever its case; a taken email opens no second account', async () => {
    const ctx = background();
    const address = email();
    const first = await subscriptions.CreateLead(ctx, { email: address });
    for (const same of [address, address.toUpperCase(), ` ${address} `]) {
      const login = { username: `u-${randomUUID().slice(0, 8)}`, password: 'a good password' };
      expect(await refusal(subscriptions.CreateLead(ctx, { email: same }, { login }))).toMatchObject({
        kind: 'already_exists',
        code: 'lead_already_exists',
        field: 'email',
      });
    }
    expect(accounts.filter((account) => account.subject !== first.id)).toEqual([]);
    // Two sign-ups at once: the unique index keeps one, the other is the same refusal.
    const racing = email();
    const outcomes = await Promise.allSettled([
      subscriptions.CreateLead(ctx, { email: racing }),
      subscriptions.CreateLead(ctx, { email: racing.toUpperCase() }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'lead_already_exists' });
  });

  it('opens a lead’s login with its lead id as the subject and the subscriber role, in the same transaction', async () => {
    const ctx = background();
    const login = { username: `ada-${randomUUID().slice(0, 8)}`, password: 'a good password' };
    const lead = await subscriptions.CreateLead(ctx, { email: email() }, { login });
    expect(accounts.find((account) => account.subject === lead.id)).toEqual({
      subject: lead.id,
      ...login,
      roles: ['subscriber'],
    });
    // An account that cannot be opened (a taken username) leaves no lead behind.
    const failing = createSubscriptionsCommands({
      db,
      leads: postgresLeads(db),
      accounts: {
        register: async () => {
          throw Object.assign(new Error('username taken'), { code: 'username_taken' });
        },
      },
      newId: randomUUID,
      now: () => new Date(),
    });
    const address = email();
    await refusal(failing.CreateLead(ctx, { email: address }, { login }));
    expect(await postgresLeads(db).leadIDOfEmail(address)).toBeUndefined();
  });

  it('starts nothing for a caller that gave up', async () => {
    const ctx = { signal: AbortSignal.abort(), values: new Map() };
    const address = email();
    await refusal(subscriptions.CreateLead(ctx, { email: address }));
    expect(await postgresLeads(db).leadIDOfEmail(address)).toBeUndefined();
  });
});
