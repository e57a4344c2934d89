import { invalidArgument } from '@tessera/platform/ddd';

/**
 * The subscription business's ubiquitous language (the book's second pass, chapter 2): someone new to the app is
 * a **lead**; a lead **converts** into a **customer** by selecting a **subscription**. A customer who leaves has
 * **churned**; a lead who never converts is a **lost lead**. These words hold inside this bounded context only
 * (UL-4): marketing, upstream, says "campaign" and "category" for things we name otherwise, and we translate at
 * the border (adapters/acl).
 */

/** The subscriptions a lead may select; `unknownSubscriptionType` is what any other selection is. */
export const SubscriptionType = {
  unknownSubscriptionType: 'unknownSubscriptionType',
  basic: 'basic',
  premium: 'premium',
  exclusive: 'exclusive',
} as const;
export type SubscriptionType = (typeof SubscriptionType)[keyof typeof SubscriptionType];
/** A subscription a customer can hold. */
export type SelectedSubscription = Exclude<SubscriptionType, 'unknownSubscriptionType'>;

export const selectableSubscriptions: readonly SelectedSubscription[] = ['basic', 'premium', 'exclusive'];

/** The subscription a name selects: `unknownSubscriptionType` for anything but basic, premium or exclusive. */
export function subscriptionTypeOf(name: string): SubscriptionType {
  return (selectableSubscriptions as readonly string[]).includes(name)
    ? (name as SelectedSubscription)
    : SubscriptionType.unknownSubscriptionType;
}

/** Where someone who signed up stands: the lifecycle vocabulary (UL-5). */
export const Stage = {
  lead: 'lead',
  customer: 'customer',
  churned: 'churned',
  lostLead: 'lostLead',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** What creating a lead takes: the book's `LeadRequest{email}`. */
export interface LeadRequest {
  readonly email: string;
}

/** Someone new to the app: identified by their lead id, which stays theirs when they convert. */
export class Lead {
  constructor(
    readonly id: string,
    readonly email: string,
  ) {
    Object.freeze(this);
  }
}

/**
 * A lead who selected a subscription. It keeps the `leadID` it came from (UL-3) and carries the `userID` other
 * services know it by (the open host service answers by it).
 */
export class Customer {
  readonly #leadID: string;
  #userID: string;

  constructor(
    leadID: string,
    userID: string,
    readonly subscriptionType: SelectedSubscription,
  ) {
    this.#leadID = leadID;
    this.#userID = checkedUserID(userID);
  }

  LeadID(): string {
    return this.#leadID;
  }

  UserID(): string {
    return this.#userID;
  }

  SetUserID(userID: string): void {
    this.#userID = checkedUserID(userID);
  }
}

function checkedUserID(userID: string): string {
  if (userID.trim() === '') throw invalidArgument('user_id_required', 'a customer needs a user ID', 'userID');
  return userID;
}
