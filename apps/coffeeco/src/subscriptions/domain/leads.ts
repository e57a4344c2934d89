import {
  type AggregateType,
  type DomainEvent,
  failedPrecondition,
  invalidArgument,
  notFound,
} from '@tessera/platform/ddd';
import { z } from 'zod';
import {
  Customer,
  Lead,
  type SelectedSubscription,
  Stage,
  SubscriptionType,
  selectableSubscriptions,
} from './language.js';

/**
 * A lead and what became of it, one aggregate keyed by the lead id: a lead converts into a customer (and may
 * churn), or is lost. The customer is the same aggregate, not a copy: it keeps the lead id (UL-3), and no
 * moment exists where someone is both or neither.
 */

interface SignedUp {
  readonly email: string;
  /** The name they are known by (their login's, when they signed up with one). */
  readonly username?: string;
  readonly createdAt: string;
}
interface Converted {
  readonly subscriptionType: SelectedSubscription;
  readonly userID: string;
  readonly convertedAt: string;
}

export type State =
  | { readonly stage: 'none' }
  | ({ readonly stage: typeof Stage.lead } & SignedUp)
  | ({ readonly stage: typeof Stage.lostLead; readonly lostAt: string } & SignedUp)
  | ({ readonly stage: typeof Stage.customer } & SignedUp & Converted)
  | ({ readonly stage: typeof Stage.churned; readonly churnedAt: string } & SignedUp & Converted);

export type Event =
  | DomainEvent<'subscriptions.LeadCreated', { email: string; username?: string; at: string }>
  | DomainEvent<
      'subscriptions.LeadConverted',
      { subscriptionType: SelectedSubscription; userID: string; at: string }
    >
  | DomainEvent<'subscriptions.CustomerChurned', { at: string }>
  | DomainEvent<'subscriptions.LeadLost', { at: string }>;

export const aggregate: AggregateType<State, Event> = {
  name: 'subscriptions.Lead',
  initialState: { stage: 'none' },
  evolve: (state, event) => {
    switch (event.type) {
      case 'subscriptions.LeadCreated': {
        const { email, username, at } = event.data;
        return { stage: Stage.lead, email, ...(username !== undefined && { username }), createdAt: at };
      }
      case 'subscriptions.LeadConverted': {
        const { subscriptionType, userID, at } = event.data;
        return { ...signedUp(state), stage: Stage.customer, subscriptionType, userID, convertedAt: at };
      }
      case 'subscriptions.CustomerChurned':
        return { ...converted(state), stage: Stage.churned, churnedAt: event.data.at };
      case 'subscriptions.LeadLost':
        return { ...signedUp(state), stage: Stage.lostLead, lostAt: event.data.at };
    }
  },
};

const signedUp = (state: State): SignedUp => {
  if (state.stage === 'none') throw new Error('no lead to evolve');
  const { email, username, createdAt } = state;
  return { email, ...(username !== undefined && { username }), createdAt };
};
const converted = (state: State): SignedUp & Converted => {
  if (state.stage !== Stage.customer) throw new Error('no customer to evolve');
  const { stage: _stage, ...customer } = state;
  return customer;
};

const emailSchema = z.email();

/** A new lead: someone who signed up with an email (one lead per email is the application's to keep). */
export function createLead(
  state: State,
  input: { email: string; username?: string | undefined; at: Date },
): Event[] {
  if (state.stage !== 'none') throw new Error('a lead id is never reused');
  const email = input.email.trim();
  if (!emailSchema.safeParse(email).success) {
    throw invalidArgument('email_invalid', `${JSON.stringify(email)} is not an email address`, 'email');
  }
  const username = input.username?.trim() || undefined;
  if (username !== undefined && username.length > 100) {
    throw invalidArgument('username_too_long', 'a username has at most 100 characters', 'username');
  }
  const data = { email, ...(username !== undefined && { username }), at: input.at.toISOString() };
  return [{ type: 'subscriptions.LeadCreated', data }];
}

export const leadNotFound = () => notFound('lead_not_found', 'no lead has this ID');

/**
 * A lead converts by selecting a subscription (UL-2). Converting again to the same subscription changes nothing
 * (a retried request, a redelivered message: Convert is idempotent); to another one, it is refused: changing
 * a customer's subscription is not a conversion.
 */
export function convert(
  state: State,
  input: { subSelection: SubscriptionType; userID: string; at: Date },
): Event[] {
  const { subSelection } = input;
  if (subSelection === SubscriptionType.unknownSubscriptionType) {
    throw invalidArgument(
      'unknown_subscription_type',
      `a lead converts by selecting a subscription: ${selectableSubscriptions.join(', ')}`,
      'subscriptionType',
    );
  }
  switch (state.stage) {
    case 'none':
      throw leadNotFound();
    case Stage.lead:
      return [
        {
          type: 'subscriptions.LeadConverted',
          data: { subscriptionType: subSelection, userID: input.userID, at: input.at.toISOString() },
        },
      ];
    case Stage.customer:
      if (state.subscriptionType === subSelection) return [];
      throw failedPrecondition(
        'already_a_customer',
        `the lead converted already, to the ${state.subscriptionType} subscription`,
        'subscriptionType',
      );
    case Stage.churned:
      throw failedPrecondition(
        'customer_churned',
        'the customer has churned: a churned customer does not convert',
      );
    case Stage.lostLead:
      throw failedPrecondition('lead_lost', 'the lead was lost: a lost lead does not convert');
  }
}

/** A customer leaves; again, nothing changes. Only a customer churns: a lead that never converts is lost. */
export function churn(state: State, input: { at: Date }): Event[] {
  switch (state.stage) {
    case 'none':
      throw leadNotFound();
    case Stage.customer:
      return [{ type: 'subscriptions.CustomerChurned', data: { at: input.at.toISOString() } }];
    case Stage.churned:
      return [];
    case Stage.lead:
    case Stage.lostLead:
      throw failedPrecondition(
        'not_a_customer',
        'only a customer churns: a lead that does not convert is lost',
      );
  }
}

/** A lead gives up (or marketing gives up on them); again, nothing changes. A customer is never lost: they churn. */
export function loseLead(state: State, input: { at: Date }): Event[] {
  switch (state.stage) {
    case 'none':
      throw leadNotFound();
    case Stage.lead:
      return [{ type: 'subscriptions.LeadLost', data: { at: input.at.toISOString() } }];
    case Stage.lostLead:
      return [];
    case Stage.customer:
    case Stage.churned:
      throw failedPrecondition('not_a_lead', 'a customer is not lost: a customer who leaves churns');
  }
}

/** Whether the subscription is active: a converted customer who has not churned (what the open host answers). */
export const isSubscriptionActive = (state: State) => state.stage === Stage.customer;

/** The lead, in the book's words; undefined before it exists. */
export const leadOf = (leadID: string, state: State): Lead | undefined =>
  state.stage === 'none' ? undefined : new Lead(leadID, state.email);

/** The customer the lead became (a churned one too); undefined while it is a lead, or lost. */
export const customerOf = (leadID: string, state: State): Customer | undefined =>
  state.stage === Stage.customer || state.stage === Stage.churned
    ? new Customer(leadID, state.userID, state.subscriptionType)
    : undefined;
