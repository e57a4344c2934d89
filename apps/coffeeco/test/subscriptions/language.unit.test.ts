import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aggregateSpec } from '@tessera/platform/testing';
import { describe, expect, it } from 'vitest';
import { createSubscriptionsCommands } from '../../src/subscriptions/application/leads.js';
import {
  Customer,
  Lead,
  Stage,
  SubscriptionType,
  subscriptionTypeOf,
} from '../../src/subscriptions/domain/language.js';
import * as Leads from '../../src/subscriptions/domain/leads.js';

const SOURCES = fileURLToPath(new URL('../../src/subscriptions/', import.meta.url));
const LEAD = '0b9f8e8a-7c1d-4d59-9d3e-1f2a3b4c5d6e';
const USER = '5a7e2c1b-3d4f-4a6b-8c9d-0e1f2a3b4c5d';
const at = new Date('2026-03-01T09:00:00Z');

const sourcesOf = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|yaml|proto)$/.test(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));

describe('the subscription business speaks its ubiquitous language (UL-1..5)', () => {
  it('offers CreateLead and a LeadConvertor’s Convert, and no AddUser, ModifyUser or UserManager anywhere', () => {
    const unused = () => {
      throw new Error('not called');
    };
    const commands = createSubscriptionsCommands({
      db: { transaction: unused, afterCommit: unused },
      leads: {
        load: unused,
        save: unused,
        leadIDOfEmail: unused,
        findByUserID: unused,
        users: unused,
      },
      accounts: { register: unused },
      newId: unused,
      now: unused,
    });
    expect(Object.keys(commands).sort()).toEqual(['CreateLead', 'churn', 'convertorOf', 'loseLead']);
    expect(Object.keys(commands.convertorOf(LEAD))).toEqual(['Convert']);
    // The words of the book's rejected first draft appear nowhere in the context's code or contracts.
    for (const source of sourcesOf(SOURCES)) {
      expect(source).not.toMatch(/\b(AddUser|ModifyUser|UserManager|UserAddRequest|UserModifyRequest)\b/);
    }
  });

  it('names the lifecycle lead, customer, churned and lostLead, and the subscriptions basic, premium, exclusive', () => {
    expect(Object.values(Stage)).toEqual(['lead', 'customer', 'churned', 'lostLead']);
    expect(Object.values(SubscriptionType)).toEqual([
      'unknownSubscriptionType',
      'basic',
      'premium',
      'exclusive',
    ]);
    expect(['basic', 'premium', 'exclusive', 'gold', 'Basic', ''].map(subscriptionTypeOf)).toEqual([
      'basic',
      'premium',
      'exclusive',
      'unknownSubscriptionType',
      'unknownSubscriptionType',
      'unknownSubscriptionType',
    ]);
  });

  it('keeps the lead a customer came from, and its user ID (UserID, SetUserID)', () => {
    const customer = new Customer(LEAD, USER, SubscriptionType.premium);
    expect([customer.LeadID(), customer.UserID(), customer.subscriptionType]).toEqual([
      LEAD,
      USER,
      'premium',
    ]);
    customer.SetUserID('another-user');
    expect(customer.UserID()).toBe('another-user');
    expect(() => customer.SetUserID(' ')).toThrow('a customer needs a user ID');
    expect(customer.UserID()).toBe('another-user');
    expect(new Lead(LEAD, 'ada@example.com')).toEqual({ id: LEAD, email: 'ada@example.com' });
  });
});

const lead = [
  { type: 'subscriptions.LeadCreated', data: { email: 'ada@example.com', at: at.toISOString() } },
] as Leads.Event[];
const converted = [
  ...lead,
  {
    type: 'subscriptions.LeadConverted',
    data: { subscriptionType: 'premium', userID: USER, at: at.toISOString() },
  },
] as Leads.Event[];
const churned = [
  ...converted,
  { type: 'subscriptions.CustomerChurned', data: { at: at.toISOString() } },
] as Leads.Event[];
const lost = [...lead, { type: 'subscriptions.LeadLost', data: { at: at.toISOString() } }] as Leads.Event[];

describe('a lead and what becomes of it', () => {
  const spec = aggregateSpec(Leads.aggregate);
  const stateAfter = (history: Leads.Event[]) => spec.given(...history).state;

  it('is created from an email, trimmed, and refuses one that is none', () => {
    spec
      .given()
      .when((state) => Leads.createLead(state, { email: ' ada@example.com ', at }))
      .thenEvents(lead[0]!);
    const refused = spec
      .given()
      .when((state) => Leads.createLead(state, { email: 'not an email', at }))
      .thenFails({ kind: 'invalid_argument', code: 'email_invalid' });
    expect(refused.field).toBe('email');
  });

  it('converts only by selecting a known subscription (UL-2)', () => {
    const refused = spec
      .given(...lead)
      .when((state) =>
        Leads.convert(state, { subSelection: SubscriptionType.unknownSubscriptionType, userID: USER, at }),
      )
      .thenFails({ kind: 'invalid_argument', code: 'unknown_subscription_type' });
    expect(refused.field).toBe('subscriptionType');
    spec
      .given(...lead)
      .when((state) => Leads.convert(state, { subSelection: SubscriptionType.premium, userID: USER, at }))
      .thenEvents(converted[1]!);
    expect(Leads.customerOf(LEAD, stateAfter(converted))?.UserID()).toBe(USER);
    expect(Leads.customerOf(LEAD, stateAfter(converted))?.LeadID()).toBe(LEAD);
    expect(Leads.customerOf(LEAD, stateAfter(lead))).toBeUndefined();
  });

  it('converts once: the same selection again changes nothing, another one is refused', () => {
    const again = (subSelection: SubscriptionType) => (state: Leads.State) =>
      Leads.convert(state, { subSelection, userID: 'another-user', at });
    spec
      .given(...converted)
      .when(again('premium'))
      .thenEvents();
    spec
      .given(...converted)
      .when(again('basic'))
      .thenFails({ kind: 'failed_precondition', code: 'already_a_customer' });
    spec
      .given(...churned)
      .when(again('premium'))
      .thenFails({ code: 'customer_churned' });
    spec
      .given(...lost)
      .when(again('premium'))
      .thenFails({ code: 'lead_lost' });
    spec.given().when(again('premium')).thenFails({ kind: 'not_found', code: 'lead_not_found' });
  });

  it('churns a customer (once), and loses a lead (once); never the other way round', () => {
    const churn = (state: Leads.State) => Leads.churn(state, { at });
    const lose = (state: Leads.State) => Leads.loseLead(state, { at });
    spec
      .given(...converted)
      .when(churn)
      .thenEvents(churned[2]!);
    spec
      .given(...churned)
      .when(churn)
      .thenEvents();
    spec
      .given(...lead)
      .when(churn)
      .thenFails({ kind: 'failed_precondition', code: 'not_a_customer' });
    spec
      .given(...lead)
      .when(lose)
      .thenEvents(lost[1]!);
    spec
      .given(...lost)
      .when(lose)
      .thenEvents();
    spec
      .given(...converted)
      .when(lose)
      .thenFails({ kind: 'failed_precondition', code: 'not_a_lead' });
  });

  it('is an active subscription only as a customer who has not churned', () => {
    const active = [[], lead, converted, churned, lost].map((history) =>
      Leads.isSubscriptionActive(stateAfter(history)),
    );
    expect(active).toEqual([false, false, true, false, false]);
  });
});
