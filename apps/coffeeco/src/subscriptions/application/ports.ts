import type { Page, PageRequest, StateRepository } from '@tessera/platform/ddd';
import type { Campaign } from '../domain/campaign.js';
import type { SelectedSubscription } from '../domain/language.js';
import type * as Leads from '../domain/leads.js';

export type { IdentityAccounts } from '@tessera/platform/identity';

/** Leads as rows (one per lead id, whatever became of it), saved with optimistic concurrency. */
export interface LeadRepository extends StateRepository<Leads.State> {
  /** The lead signed up with this email, compared without case or surrounding blanks. */
  leadIDOfEmail(email: string): Promise<string | undefined>;
  /** The lead whose customer has this user ID (any text: one that is no user ID finds nothing). */
  findByUserID(userID: string): Promise<{ leadID: string; state: Leads.State } | undefined>;
  /** Every customer (churned ones too) by user ID, a page at a time: the open host's users. */
  users(page: PageRequest): Promise<Page<UserView>>;
}

/** A customer as the published language's `User` says it. */
export interface UserView {
  readonly userID: string;
  readonly username?: string;
  readonly email: string;
  readonly subscriptionType: SelectedSubscription;
  readonly active: boolean;
}

/** The campaigns that reached subscriptions, in its own model, the latest word on each. */
export interface CampaignRepository {
  save(campaign: Campaign): Promise<void>;
  /** Soonest ending first, then by ID. */
  page(request: PageRequest): Promise<Page<Campaign>>;
}
