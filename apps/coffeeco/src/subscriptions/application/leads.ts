import { alreadyExists, stateStored, type UnitOfWork } from '@tessera/platform/ddd';
import { subscriptionsRoles } from '../contract/roles.js';
import type { Customer, Lead, LeadRequest, SubscriptionType } from '../domain/language.js';
import * as Leads from '../domain/leads.js';
import { type Ctx, stillWanted } from './ctx.js';
import type { IdentityAccounts, LeadRepository } from './ports.js';

/** The book's `LeadCreator`: someone new to the app becomes a lead. */
export interface LeadCreator {
  CreateLead(ctx: Ctx, request: LeadRequest): Promise<Lead>;
}

/** The book's `LeadConvertor`: a lead becomes a customer by selecting a subscription. */
export interface LeadConvertor {
  Convert(ctx: Ctx, subSelection: SubscriptionType): Promise<Customer>;
}

/** What a lead who signs up themselves logs in with; the subject of their tokens is their lead id. */
export interface Login {
  readonly username: string;
  readonly password: string;
}

/**
 * The subscription business's commands, in its own words: create a lead, convert it, churn a customer, lose a
 * lead (UL-1): not the generic adding and modifying of "users" of the book's first draft, which said nothing.
 */
export interface SubscriptionsCommands extends LeadCreator {
  /**
   * One lead per email: an email that signed up already is refused (`lead_already_exists`), whatever became of
   * its lead. With a login, the lead's account is opened in the same transaction; without one, `username` is
   * only the name they are known by (another system's).
   */
  CreateLead(
    ctx: Ctx,
    request: LeadRequest,
    options?: { readonly login?: Login; readonly username?: string },
  ): Promise<Lead>;
  /** The lead with this id, as the book's LeadConvertor: `convertorOf(lead.id).Convert(ctx, SubscriptionType.basic)`. */
  convertorOf(leadID: string): LeadConvertor;
  /** The customer leaves (again: nothing changes). */
  churn(ctx: Ctx, leadID: string): Promise<void>;
  /** The lead will not convert (again: nothing changes). */
  loseLead(ctx: Ctx, leadID: string): Promise<void>;
}

export interface SubscriptionsCommandDependencies {
  readonly db: UnitOfWork;
  readonly leads: LeadRepository;
  /** Where a lead who signs up with a login gets the account they log in with. */
  readonly accounts: IdentityAccounts;
  /** New lead ids and user ids (UUIDs). */
  readonly newId: () => string;
  readonly now: () => Date;
}

export const leadAlreadyExists = () =>
  alreadyExists('lead_already_exists', 'someone signed up with this email already', 'email');

/** Each command is one transaction: load the lead's row, let the domain decide, save it at the version loaded. */
export function createSubscriptionsCommands(deps: SubscriptionsCommandDependencies): SubscriptionsCommands {
  const { db, leads, accounts, newId, now } = deps;
  const { update } = stateStored({ db, aggregate: Leads.aggregate, repository: leads });

  return {
    async CreateLead(ctx, request, options = {}) {
      stillWanted(ctx);
      const id = newId();
      const { login } = options;
      const username = login?.username ?? options.username;
      const change = await db.transaction(async () => {
        // The unique index on the email is the last word (two sign-ups at once); this answers the usual case
        // before anything is written.
        if (await leads.leadIDOfEmail(request.email)) throw leadAlreadyExists();
        const created = await update(id, (state) =>
          Leads.createLead(state, { email: request.email, username, at: now() }),
        );
        if (login) {
          await accounts.register({ subject: id, ...login, roles: [subscriptionsRoles.subscriber.name] });
        }
        return created;
      });
      const lead = Leads.leadOf(id, change.state);
      if (!lead) throw new Error(`lead ${id} was created as no lead`);
      return lead;
    },

    convertorOf: (leadID) => ({
      async Convert(ctx, subSelection) {
        stillWanted(ctx);
        const { state } = await update(leadID, (lead) =>
          Leads.convert(lead, { subSelection, userID: newId(), at: now() }),
        );
        const customer = Leads.customerOf(leadID, state);
        if (!customer) throw new Error(`lead ${leadID} converted to no customer`);
        return customer;
      },
    }),

    async churn(ctx, leadID) {
      stillWanted(ctx);
      await update(leadID, (state) => Leads.churn(state, { at: now() }));
    },

    async loseLead(ctx, leadID) {
      stillWanted(ctx);
      await update(leadID, (state) => Leads.loseLead(state, { at: now() }));
    },
  };
}
