import { found, type Page, type PageRequest } from '@tessera/platform/ddd';
import type { Campaign } from '../domain/campaign.js';
import type { SelectedSubscription, Stage } from '../domain/language.js';
import * as Leads from '../domain/leads.js';
import type { CampaignRepository, LeadRepository, UserView } from './ports.js';

/** A lead and what became of it, as its own page and the marketers show it. */
export interface LeadView {
  readonly leadID: string;
  readonly email: string;
  readonly username?: string;
  readonly stage: Stage;
  readonly createdAt: string;
  /** Once it converted (a churned customer keeps it). */
  readonly customer?: {
    readonly userID: string;
    readonly subscriptionType: SelectedSubscription;
    readonly convertedAt: string;
  };
  readonly churnedAt?: string;
  readonly lostAt?: string;
}

export interface SubscriptionsQueries {
  lead(leadID: string): Promise<LeadView>;
  users(page: PageRequest): Promise<Page<UserView>>;
  campaigns(page: PageRequest): Promise<Page<Campaign>>;
}

export function viewOf(leadID: string, state: Leads.State): LeadView | undefined {
  if (state.stage === 'none') return undefined;
  const { stage, email, username, createdAt } = state;
  return {
    leadID,
    email,
    ...(username !== undefined && { username }),
    stage,
    createdAt,
    ...((state.stage === 'customer' || state.stage === 'churned') && {
      customer: {
        userID: state.userID,
        subscriptionType: state.subscriptionType,
        convertedAt: state.convertedAt,
      },
    }),
    ...(state.stage === 'churned' && { churnedAt: state.churnedAt }),
    ...(state.stage === 'lostLead' && { lostAt: state.lostAt }),
  };
}

export function createSubscriptionsQueries(deps: {
  leads: LeadRepository;
  campaigns: CampaignRepository;
}): SubscriptionsQueries {
  return {
    async lead(leadID) {
      const { state } = await deps.leads.load(leadID);
      return found(viewOf(leadID, state), Leads.leadNotFound);
    },
    users: (page) => deps.leads.users(page),
    campaigns: (page) => deps.campaigns.page(page),
  };
}
